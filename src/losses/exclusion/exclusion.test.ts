import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { exclusionReference } from './reference.js';
import { exclusionLoss } from './tensor.js';
import { exclusionCases } from './cases.js';
import {
  checkGradient,
  checkIgnoredPixels,
  checkRandomParity,
  checkRandomParityWith,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('exclusion', exclusionCases);
checkRandomParity('exclusion', [
  {},
  { fromLogits: true },
  { reduction: 'none' },
  { reduction: 'sum', fromLogits: true },
  { classes: 'all' },
  { classes: 'all', fromLogits: true, reduction: 'none' },
]);
checkRandomParityWith('exclusion', 'an [N, C] annotated mask', (n, c) => ({
  annotated: ndarray(
    Array.from({ length: n * c }, (_, i) => (i % 2 === 1 ? 0 : 1)),
    [n, c],
  ),
}));
// seeds 14, 16: each image leaves a class unannotated and labels some foreground (else L is flat)
checkGradient('exclusion', {}, 14);
checkGradient('exclusion', { fromLogits: true }, 16);
checkGradient('exclusion', { classes: 'all' }, 14);
checkIgnoredPixels('exclusion', { fromLogits: true });

test('exclusion: predicting an unannotated class only off the labelled foreground costs nothing', () => {
  const y = ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]);
  const clean = ndarray([0.2, 0, 0.8, 0, 1, 0], [1, 2, 3]); // class 2 only on the bg pixel
  assert.equal(exclusionReference(y, clean).data[0], 0);
  const worse = ndarray([0.2, 0, 0.8, 0, 0.5, 0.5], [1, 2, 3]);
  assert.ok(exclusionReference(y, worse).data[0] > 0.4);
});

test('exclusion: gradient pushes the unannotated class down on the labelled foreground only', () => {
  const y = tf.tensor3d([
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
  ]);
  const p = tf.tensor3d([
    [
      [0.9, 0, 0.1],
      [0.1, 0.6, 0.3],
    ],
  ]);
  const g = tf
    .grad((x: tf.Tensor) => exclusionLoss(y, x, { smoothDr: 1e-9 }))(p)
    .arraySync() as number[][][];
  // L = 2 s / (1 + P) with s = p_2 at pixel 1, P = sum p_2: dL/dp_2[1] = 2 / 1.4 - 2 * 0.3 / 1.4^2
  assert.ok(Math.abs(g[0][1][2] - (2 / 1.4 - 0.6 / 1.96)) < 1e-5, `got ${g[0][1][2]}`);
  assert.ok(Math.abs(g[0][0][2] - -0.6 / 1.96) < 1e-5, `bg pixel: only the denominator, got ${g[0][0][2]}`);
  assert.deepEqual([g[0][0][0], g[0][0][1], g[0][1][0], g[0][1][1]].map(Math.abs), [0, 0, 0, 0]);
});

const y = ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]);
const p = ndarray([0.9, 0, 0.1, 0.1, 0.6, 0.3], [1, 2, 3]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  [
    'smoothDr 0',
    () => exclusionReference(y, p, { smoothDr: 0 }),
    /'smoothDr' is 0; expected a number in \(0/,
  ],
  [
    'annotated of the wrong shape',
    () => exclusionReference(y, p, { annotated: ndarray([1, 1], [1, 2]) }),
    /\[1,3\]/,
  ],
  ['unknown option', () => exclusionReference(y, p, { smoothNr: 1 } as never), /unknown option 'smoothNr'/],
  [
    'tensor: NaN',
    () => exclusionLoss(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[NaN, 1]]])),
    /yPred contains NaN/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`exclusion: bad input: ${name}`, () => {
    assert.throws(
      call,
      (err: Error) => message.test(err.message) && err.message.startsWith('segloss: exclusion: '),
    );
  });
}

test("exclusion: an unknown 'classes' is an error naming the option", () => {
  const y = ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]);
  const opts = { classes: 'some' } as unknown as { classes: 'all' };
  assert.throws(
    () => exclusionReference(y, y, opts),
    /segloss: exclusion: option 'classes' is "some"; expected one of unannotated, all/,
  );
  assert.throws(
    () => exclusionLoss(tf.tensor3d([[[1, 0, 0]]]), tf.tensor3d([[[1, 0, 0]]]), opts),
    /option 'classes' is "some"/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { missingAwareCrossEntropyReference } from './reference.js';
import { missingAwareCrossEntropy } from './tensor.js';
import { missingAwareCases } from './cases.js';
import { crossEntropyReference } from '../crossentropy/reference.js';
import {
  checkGradient,
  checkRandomParity,
  randomOneHot,
  randomPredictions,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('missing-aware-crossentropy', missingAwareCases);
checkRandomParity('missing-aware-crossentropy', [
  {},
  { fromLogits: true },
  { reduction: 'none' },
  { reduction: 'sum' },
]);
checkGradient('missing-aware-crossentropy', {});
checkGradient('missing-aware-crossentropy', { fromLogits: true });

test('missing-aware-crossentropy: no gradient reaches the background term it zeroes', () => {
  const y = tf.tensor3d([
    [
      [0, 1, 0],
      [1, 0, 0],
    ],
  ]);
  const p = tf.tensor3d([
    [
      [0.1, 0.8, 0.1],
      [0.2, 0.1, 0.7],
    ],
  ]);
  const g = tf
    .grad((x: tf.Tensor) => missingAwareCrossEntropy(y, x, { reduction: 'sum' }))(p)
    .arraySync() as number[][][];
  assert.deepEqual(g[0][1].map(Math.abs), [0, 0, 0]);
  assert.ok(Math.abs(g[0][0][1] - -1 / 0.8) < 1e-5);
});

test('missing-aware-crossentropy: never above cross-entropy, equal when every class is annotated', () => {
  const yTrue = randomOneHot(3, 4, 30, 4);
  const { probs } = randomPredictions(4, 4, 30, 4);
  const ma = missingAwareCrossEntropyReference(yTrue, probs).data[0];
  const ce = crossEntropyReference(yTrue, probs).data[0];
  assert.ok(ma < ce, `missing-aware ${ma} < cross-entropy ${ce} when some classes are absent`);
  const all = ndarray(new Float32Array(16).fill(1), [4, 4]);
  const full = missingAwareCrossEntropyReference(yTrue, probs, { annotated: all }).data[0];
  assert.ok(Math.abs(full - ce) < 1e-7, `${full} = ${ce}`);
});

const y = ndarray([0, 1, 0, 1, 0, 0], [1, 2, 3]);
const p = ndarray([0.1, 0.8, 0.1, 0.2, 0.1, 0.7], [1, 2, 3]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  [
    'annotated of the wrong shape',
    () => missingAwareCrossEntropyReference(y, p, { annotated: ndarray([1, 1], [1, 2]) }),
    /annotated has shape \[1,2\]; expected \[1,3\]/,
  ],
  [
    'annotated outside [0, 1]',
    () => missingAwareCrossEntropyReference(y, p, { annotated: ndarray([1, 2, 0], [1, 3]) }),
    /annotated has 2/,
  ],
  [
    'annotated as an unknown word',
    () => missingAwareCrossEntropyReference(y, p, { annotated: 'guess' as never }),
    /'annotated' is 'guess'; expected 'infer'/,
  ],
  [
    'tensor: annotated of the wrong shape',
    () =>
      missingAwareCrossEntropy(tf.tensor(y.data, [1, 2, 3]), tf.tensor(p.data, [1, 2, 3]), {
        annotated: tf.ones([2, 3]),
      }),
    /annotated has shape \[2,3\]/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`missing-aware-crossentropy: bad input: ${name}`, () => {
    assert.throws(
      call,
      (err: Error) =>
        message.test(err.message) && err.message.startsWith('segloss: missing-aware-crossentropy: '),
    );
  });
}

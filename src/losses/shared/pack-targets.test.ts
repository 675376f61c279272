import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { packTargets, packTargetsArray, packedLoss, unpackTargets } from './pack-targets.js';
import { marginalCrossEntropy } from '../marginal-crossentropy/tensor.js';
import { focal } from '../focal/tensor.js';
import { randomOneHot, randomPredictions, rng } from '../../../test/helpers/loss-harness.js';

test('packTargets: hand layout, y where annotated, -1 - y elsewhere, background always kept', () => {
  // two images, one pixel each, C = 3; image 0 annotates {0, 1}; image 1 says 0 for background too.
  const labels = ndarray([0, 1, 0, 0.25, 0, 0.75], [2, 1, 3]);
  const annotated = ndarray([1, 1, 0, 0, 0, 1], [2, 3]);
  assert.deepEqual([...packTargetsArray(labels, annotated).data], [0, 1, -1, 0.25, -1, 0.75]);
});

test('packTargets: multi-label targets keep channel 0 unannotated when asked; packedLoss of multilabel-partial', () => {
  const labels = ndarray([1, 1, 0, 1], [1, 2, 2]);
  const annotated = ndarray([0, 1], [1, 2]);
  assert.deepEqual([...packTargetsArray(labels, annotated, false).data], [-2, 1, -1, 1]);
  assert.deepEqual([...packTargetsArray(labels, annotated).data], [1, 1, 0, 1]);
  const p = tf.tensor3d([
    [
      [0.3, 0.8],
      [0.9, 0.6],
    ],
  ]);
  const packed = packTargets(labels, annotated, false);
  const viaPacked = packedLoss('multilabel-partial', { smoothNr: 0, smoothDr: 0 })(packed, p).dataSync()[0];
  // class 1 only: BCE (-log 0.8 - log 0.6) / 2, Dice 1 - 2 * 1.4 / (2 + 1.4)
  const want = (-Math.log(0.8) - Math.log(0.6)) / 2 + (1 - 2.8 / 3.4);
  assert.ok(Math.abs(viaPacked - want) < 1e-6, `${viaPacked} = ${want}`);
  tf.dispose([p, packed]);
});

test('unpackTargets inverts packTargets exactly (rank 4, soft labels, random masks)', () => {
  const r = rng(3);
  const labels = ndarray(
    Array.from({ length: 2 * 3 * 2 * 4 }, () => Math.round(r() * 8) / 8),
    [2, 3, 2, 4],
  );
  const annotated = ndarray([1, 0, 1, 0, 1, 1, 0, 1], [2, 4]);
  const packed = packTargets(labels, annotated);
  assert.deepEqual(packed.shape, [2, 3, 2, 4]);
  const out = unpackTargets(packed, 4);
  assert.deepEqual([...out.labels.dataSync()], [...labels.data]);
  assert.deepEqual([...out.annotated.dataSync()], [...annotated.data]);
  tf.dispose([packed, out.labels, out.annotated]);
});

test('packedLoss equals the loss with the mask passed directly (marginal, focal)', () => {
  const labels = randomOneHot(5, 3, 12, 4);
  const { logits } = randomPredictions(6, 3, 12, 4);
  const annotated = ndarray([1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1], [3, 4]);
  const packed = packTargets(labels, annotated);
  const y = tf.tensor(labels.data, [3, 12, 4]);
  const z = tf.tensor(logits.data, [3, 12, 4]);
  const a = tf.tensor(annotated.data, [3, 4]);
  const pairs: Array<[number, number]> = [
    [
      packedLoss('marginal-crossentropy', { fromLogits: true })(packed, z).dataSync()[0],
      marginalCrossEntropy(y, z, { fromLogits: true, annotated: a }).dataSync()[0],
    ],
    [
      packedLoss('focal', { fromLogits: true })(packed, z).dataSync()[0],
      focal(y, z, { fromLogits: true, annotated: a }).dataSync()[0],
    ],
  ];
  for (const [p, d] of pairs) assert.ok(Math.abs(p - d) < 1e-7, `${p} = ${d}`);
  // And the mask matters: 'infer' on the same labels gives a different marginal value.
  const inferred = marginalCrossEntropy(y, z, { fromLogits: true }).dataSync()[0];
  assert.ok(
    Math.abs(inferred - pairs[0][1]) > 1e-3,
    `explicit ${pairs[0][1]} differs from infer ${inferred}`,
  );
  tf.dispose([packed, y, z, a]);
});

const labels = ndarray([1, 0, 0, 1], [1, 2, 2]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  [
    'annotated not binary',
    () => packTargetsArray(labels, ndarray([1, 0.5], [1, 2])),
    /segloss: packTargets: annotated has 0.5 at flat index 1; expected 0 or 1/,
  ],
  [
    'annotated shape',
    () => packTargetsArray(labels, ndarray([1, 1, 1], [1, 3])),
    /segloss: packTargets: annotated has shape \[1,3\]; expected \[1,2\]/,
  ],
  [
    'labels outside [0, 1]',
    () => packTargetsArray(ndarray([1, 0, 0, -1], [1, 2, 2]), ndarray([1, 1], [1, 2])),
    /segloss: packTargets: labels has -1 at flat index 3/,
  ],
  [
    'labels of rank 2',
    () => packTargetsArray(ndarray([1, 0], [1, 2]), ndarray([1, 1], [1, 2])),
    /segloss: packTargets: labels has shape \[1,2\]; expected \[N,H,W,C\]/,
  ],
  [
    'unpack with the wrong C',
    () => unpackTargets(tf.zeros([1, 2, 3]), 4),
    /segloss: unpackTargets: packed targets have shape \[1,2,3\]; expected \[N,H,W,4\]/,
  ],
  [
    'packedLoss of a loss without annotated',
    () => packedLoss('crossentropy'),
    /segloss: packedLoss: loss 'crossentropy' has no 'annotated' option/,
  ],
  [
    'packedLoss given annotated',
    () => packedLoss('focal', { annotated: 'infer' }),
    /segloss: packedLoss: option 'annotated' comes from the packed targets/,
  ],
  [
    'packedLoss with an unknown option',
    () => packedLoss('focal', { gama: 2 }),
    /segloss: focal: unknown option 'gama'/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`packTargets: bad input: ${name}`, () => {
    assert.throws(call, (err: Error) => err.name === 'SeglossError' && message.test(err.message));
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { crossEntropyReference } from './reference.js';
import { crossEntropy } from './tensor.js';
import { crossEntropyCases } from './cases.js';
import {
  fitTwoPixelModel,
  checkGradient,
  checkIgnoreContract,
  checkRandomParity,
  checkRandomParityWith,
  randomOneHot,
  randomPredictions,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('crossentropy', crossEntropyCases);
checkRandomParity('crossentropy', [
  {},
  { fromLogits: true },
  { reduction: 'none' },
  { reduction: 'sum', fromLogits: true },
]);
checkRandomParity('crossentropy', [{ labelSmoothing: 0.2 }, { labelSmoothing: 0.1, fromLogits: true }]);
const ramp = (c: number): number[] => Array.from({ length: c }, (_, k) => 0.5 + k);
checkRandomParityWith('crossentropy', 'class weights 0.5 + k', (_n, c) => ({ classWeights: ramp(c) }));
checkRandomParityWith('crossentropy', 'class weights and smoothing, logits', (_n, c) => ({
  classWeights: ramp(c),
  labelSmoothing: 0.15,
  fromLogits: true,
}));
checkGradient('crossentropy', {});
checkGradient('crossentropy', { fromLogits: true });
checkGradient('crossentropy', { classWeights: [0.5, 2, 1], labelSmoothing: 0.1 });
checkGradient('crossentropy', { classWeights: [0.5, 2, 1], labelSmoothing: 0.1, fromLogits: true });
checkIgnoreContract('crossentropy', {});
checkIgnoreContract('crossentropy', { fromLogits: true, classWeights: [0.5, 2, 1], labelSmoothing: 0.1 });

test('crossentropy: uniform class weights change nothing (mean: any value; map and sum: ones)', () => {
  const yTrue = randomOneHot(5, 3, 20, 4);
  const { probs } = randomPredictions(6, 3, 20, 4);
  const plain = crossEntropyReference(yTrue, probs).data[0];
  const weighted = crossEntropyReference(yTrue, probs, { classWeights: [2.5, 2.5, 2.5, 2.5] }).data[0];
  assert.ok(Math.abs(plain - weighted) < 1e-6, `${weighted} = ${plain}`);
  const mapPlain = crossEntropyReference(yTrue, probs, { reduction: 'none' }).data;
  const mapOnes = crossEntropyReference(yTrue, probs, { reduction: 'none', classWeights: [1, 1, 1, 1] }).data;
  assert.deepEqual(mapOnes, mapPlain);
  const t = tf.tidy(
    () =>
      crossEntropy(tf.tensor(yTrue.data, [3, 20, 4]), tf.tensor(probs.data, [3, 20, 4]), {
        classWeights: [2.5, 2.5, 2.5, 2.5],
      }).dataSync()[0],
  );
  assert.ok(Math.abs(t - plain) < 1e-5, `tensor ${t} = ${plain}`);
});

test('crossentropy: label smoothing on the class axis of a rank-4 tensor [2, 3, 2, 4] (C = 4)', () => {
  // Every pixel is labelled class 1 with p = [0.1, 0.6, 0.2, 0.1]; ls = 0.2 gives y' = 0.8 y + 0.05 =
  // [0.05, 0.85, 0.05, 0.05] at every pixel. Smoothing over axis 1 (size 3, the tfjs/Keras slip) would
  // add 0.2 / 3 instead and give 0.85702 instead of 0.74493.
  const y = tf.tile(tf.tensor4d([0, 1, 0, 0], [1, 1, 1, 4]), [2, 3, 2, 1]);
  const p = tf.tile(tf.tensor4d([0.1, 0.6, 0.2, 0.1], [1, 1, 1, 4]), [2, 3, 2, 1]);
  const map = crossEntropy(y, p, { labelSmoothing: 0.2, reduction: 'none' });
  assert.deepEqual(map.shape, [2, 3, 2]);
  const expected = -(
    0.05 * Math.log(0.1) +
    0.85 * Math.log(0.6) +
    0.05 * Math.log(0.2) +
    0.05 * Math.log(0.1)
  );
  assert.ok(Math.abs(expected - 0.74493) < 1e-5, `hand value ${expected}`);
  for (const v of map.dataSync()) assert.ok(Math.abs(v - expected) < 1e-6, `${v} = ${expected}`);
  tf.dispose([y, p, map]);
});

test('crossentropy: clipped probabilities get zero gradient, the others -y / p (both backward paths)', () => {
  const y = tf.tensor3d([
    [
      [0.5, 0.5],
      [0.5, 0.5],
    ],
  ]);
  const grad = (p: tf.Tensor): number[] =>
    Array.from(
      tf
        .grad((x: tf.Tensor) => crossEntropy(y, x, { reduction: 'sum' }))(p)
        .dataSync(),
    );
  // p = [0, 1] lies outside [eps, 1 - eps]: the masked path.
  const masked = grad(
    tf.tensor3d([
      [
        [0, 1],
        [0.3, 0.7],
      ],
    ]),
  );
  const expected = [0, 0, -0.5 / 0.3, -0.5 / 0.7];
  masked.forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-5, `masked[${i}] = ${g}`));
  // Every p inside: the unmasked path.
  const plain = grad(
    tf.tensor3d([
      [
        [0.4, 0.6],
        [0.3, 0.7],
      ],
    ]),
  );
  const expected2 = [-0.5 / 0.4, -0.5 / 0.6, -0.5 / 0.3, -0.5 / 0.7];
  plain.forEach((g, i) => assert.ok(Math.abs(g - expected2[i]) < 1e-5, `plain[${i}] = ${g}`));
});

test('crossentropy: ignored pixels get exactly zero gradient', () => {
  const y = tf.tensor3d([
    [
      [1, 0],
      [0, 1],
    ],
  ]);
  const p = tf.tensor3d([
    [
      [0.3, 0.7],
      [0.4, 0.6],
    ],
  ]);
  const ignoreMask = ndarray([0, 1], [1, 2]);
  const g = tf
    .grad((x: tf.Tensor) => crossEntropy(y, x, { ignoreMask }))(p)
    .arraySync() as number[][][];
  assert.deepEqual(g[0][1].map(Math.abs), [0, 0]);
  assert.ok(Math.abs(g[0][0][0] - -1 / 0.3) < 1e-4, `dL/dp00 = -1/0.3, got ${g[0][0][0]}`);
});

test('crossentropy: works in model.compile / model.fit', async () => {
  const losses = await fitTwoPixelModel(crossEntropy);
  assert.ok(
    Math.abs(losses[0] - Math.log(2)) < 1e-5,
    `first loss is log 2 with zero weights, got ${losses[0]}`,
  );
  assert.ok(losses[4] < losses[0] * 0.8, `loss falls: ${losses.join(', ')}`);
});

const good = { y: ndarray([0, 1], [1, 1, 2]), p: ndarray([0.2, 0.8], [1, 1, 2]) };
const badInputs: Array<[string, () => unknown, RegExp]> = [
  [
    'shape mismatch',
    () => crossEntropyReference(good.y, ndarray([0.1, 0.1, 0.8], [1, 1, 3])),
    /yPred has shape \[1,1,3\] but yTrue has \[1,1,2\]/,
  ],
  [
    'rank 2',
    () => crossEntropyReference(ndarray([0, 1], [1, 2]), ndarray([0, 1], [1, 2])),
    /yTrue has rank 2/,
  ],
  ['one class', () => crossEntropyReference(ndarray([1], [1, 1, 1]), ndarray([1], [1, 1, 1])), /at least 2/],
  [
    'NaN in yPred',
    () => crossEntropyReference(good.y, ndarray([NaN, 0.8], [1, 1, 2])),
    /yPred has NaN at flat index 0/,
  ],
  [
    'Inf logits',
    () => crossEntropyReference(good.y, ndarray([Infinity, 0], [1, 1, 2]), { fromLogits: true }),
    /yPred has Infinity.*finite/,
  ],
  [
    'probability above 1',
    () => crossEntropyReference(good.y, ndarray([0.2, 1.5], [1, 1, 2])),
    /yPred has 1.5 .*\[0, 1\]/,
  ],
  [
    'target outside [0, 1]',
    () => crossEntropyReference(ndarray([0, 2], [1, 1, 2]), good.p),
    /yTrue has 2 .*\[0, 1\]/,
  ],
  [
    'unknown option',
    () => crossEntropyReference(good.y, good.p, { fromLogit: true } as never),
    /unknown option 'fromLogit'; valid options are fromLogits, reduction, epsilon, ignoreMask/,
  ],
  [
    'bad reduction',
    () => crossEntropyReference(good.y, good.p, { reduction: 'avg' as never }),
    /'reduction' is "avg"; expected one of none, mean, sum/,
  ],
  [
    'class weights of the wrong length',
    () => crossEntropyReference(good.y, good.p, { classWeights: [1, 2, 3] }),
    /'classWeights' has 3 entries; expected 2 \(one per class\)/,
  ],
  [
    'negative class weight',
    () => crossEntropyReference(good.y, good.p, { classWeights: [1, -2] }),
    /'classWeights' has -2 at index 1; expected finite numbers >= 0/,
  ],
  [
    'NaN class weight (tensor)',
    () => crossEntropy(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0.2, 0.8]]]), { classWeights: [NaN, 1] }),
    /'classWeights' has NaN at index 0/,
  ],
  [
    'label smoothing 1',
    () => crossEntropyReference(good.y, good.p, { labelSmoothing: 1 }),
    /'labelSmoothing' is 1; expected a number in \[0, 1\)/,
  ],
  [
    'label smoothing below 0',
    () => crossEntropyReference(good.y, good.p, { labelSmoothing: -0.1 }),
    /'labelSmoothing' is -0.1/,
  ],
  ['bad epsilon', () => crossEntropyReference(good.y, good.p, { epsilon: 2 }), /'epsilon' is 2/],
  [
    'ignore mask shape',
    () => crossEntropyReference(good.y, good.p, { ignoreMask: ndarray([0, 0], [1, 2]) }),
    /ignoreMask has shape \[1,2\]; expected \[1,1\]/,
  ],
  [
    'tensor: NaN',
    () => crossEntropy(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[NaN, 1]]])),
    /crossentropy: yPred contains NaN/,
  ],
  [
    'tensor: probability below 0',
    () => crossEntropy(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[-0.5, 1]]])),
    /yPred has values in \[-0.5, 1\]/,
  ],
  [
    'tensor: shape mismatch',
    () => crossEntropy(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0, 0.5, 0.5]]])),
    /yPred has shape/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`crossentropy: bad input: ${name}`, () => {
    assert.throws(
      call,
      (err: Error) =>
        err.name === 'SeglossError' &&
        message.test(err.message) &&
        err.message.startsWith('segloss: crossentropy: '),
    );
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { crossEntropyReference } from './reference.js';
import { crossEntropy } from './tensor.js';
import { crossEntropyCases } from './cases.js';
import { checkGradient, checkRandomParity, runCaseTable } from '../../../test/helpers/loss-harness.js';

runCaseTable('crossentropy', crossEntropyCases);
checkRandomParity('crossentropy', [
  {},
  { fromLogits: true },
  { reduction: 'none' },
  { reduction: 'sum', fromLogits: true },
]);
checkGradient('crossentropy', {});
checkGradient('crossentropy', { fromLogits: true });

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
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2, 3], units: 2, activation: 'softmax', kernelInitializer: 'zeros' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: crossEntropy });
  const x = tf.tensor3d([
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
  ]);
  const y = tf.tensor3d([
    [
      [1, 0],
      [0, 1],
    ],
  ]);
  const history = await model.fit(x, y, { epochs: 5, verbose: 0 });
  const losses = history.history.loss as number[];
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

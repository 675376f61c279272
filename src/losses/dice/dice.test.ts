import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { diceReference } from './reference.js';
import { dice } from './tensor.js';
import { diceCases } from './cases.js';
import {
  fitTwoPixelModel,
  assertAllClose,
  checkGradient,
  checkIgnoredPixels,
  checkRandomParity,
  checkRandomParityWith,
  randomOneHot,
  randomPredictions,
  checkSigmoidOutputs,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('dice', diceCases);
checkRandomParity('dice', [
  {},
  { fromLogits: true },
  { fromLogits: true, activation: 'sigmoid' },
  { reduction: 'none' },
  { reduction: 'sum', batch: true },
  { reduction: 'none', batch: true, squaredPred: true },
  { includeBackground: false, jaccard: true },
  { annotated: 'infer', fromLogits: true },
  { annotated: 'infer', batch: true, reduction: 'none' },
]);
checkRandomParityWith('dice', 'class weights and an [N, C] annotated mask', (n, c) => ({
  classWeights: Array.from({ length: c }, (_, k) => k + 1),
  annotated: ndarray(
    Array.from({ length: n * c }, (_, i) => (i % 3 === 2 ? 0 : 1)),
    [n, c],
  ),
}));
checkGradient('dice', {});
checkGradient('dice', { fromLogits: true });
checkGradient('dice', { fromLogits: true, activation: 'sigmoid', squaredPred: true });
checkGradient('dice', { batch: true, jaccard: true });
checkGradient('dice', { annotated: 'infer', includeBackground: false, fromLogits: true });
checkSigmoidOutputs('dice', 1, { fromLogits: true });
checkSigmoidOutputs('dice', 1, { batch: true, squaredPred: true });
checkSigmoidOutputs('dice', 3, { fromLogits: true, mode: 'multilabel', annotated: 'infer' });
checkSigmoidOutputs('jaccard', 1, { fromLogits: true });
checkSigmoidOutputs('tversky', 1, { fromLogits: true, alpha: 0.3, beta: 0.7 });
checkIgnoredPixels('dice', {});
checkIgnoredPixels('dice', { fromLogits: true, batch: true });

test('dice: uniform class weights change nothing (mean), any weights keep a [0, 1] mean', () => {
  const yTrue = randomOneHot(5, 3, 20, 4);
  const { probs } = randomPredictions(6, 3, 20, 4);
  const plain = diceReference(yTrue, probs).data[0];
  const uniform = diceReference(yTrue, probs, { classWeights: [2.5, 2.5, 2.5, 2.5] }).data[0];
  assert.ok(Math.abs(plain - uniform) < 1e-7, `${plain} = ${uniform}`);
  const skewed = diceReference(yTrue, probs, { classWeights: [0, 1, 5, 1] }).data[0];
  assert.ok(skewed > 0 && skewed < 1 && Math.abs(skewed - plain) > 1e-3, `skewed ${skewed} vs ${plain}`);
});

test('dice: a perfect one-hot prediction scores 0, the complement scores about 1', () => {
  const yTrue = randomOneHot(8, 2, 10, 3);
  assert.ok(Math.abs(diceReference(yTrue, yTrue).data[0]) < 1e-6);
  const flipped = ndarray(
    yTrue.data.map((v) => 1 - v),
    yTrue.shape,
  );
  const worst = diceReference(yTrue, flipped, { annotated: 'infer' }).data[0];
  assert.ok(Math.abs(worst - 1) < 1e-5, `complement scores ${worst}`);
});

test('dice: rank-4 [N, H, W, C] gives the same value as [N, P, C]', () => {
  const yTrue = randomOneHot(9, 2, 6, 3);
  const { probs } = randomPredictions(10, 2, 6, 3);
  const flat = diceReference(yTrue, probs).data[0];
  const img = diceReference(ndarray(yTrue.data, [2, 2, 3, 3]), ndarray(probs.data, [2, 2, 3, 3])).data[0];
  assert.equal(img, flat);
  const t = tf.tidy(() =>
    dice(tf.tensor(yTrue.data, [2, 2, 3, 3]), tf.tensor(probs.data, [2, 2, 3, 3])).dataSync(),
  );
  assertAllClose(t, [flat], 1e-6, 'tensor');
});

test('dice: works in model.compile / model.fit and the loss falls', async () => {
  const losses = await fitTwoPixelModel(dice);
  // zero weights: p = 0.5 everywhere; each class 1 - (2 * 0.5 + s) / (1 + 1 + s) = 0.5
  assert.ok(Math.abs(losses[0] - 0.5) < 1e-5, `first loss 0.5, got ${losses[0]}`);
  assert.ok(losses[4] < losses[0] * 0.9, `loss falls: ${losses.join(', ')}`);
});

const y = ndarray([1, 0, 0, 1], [1, 2, 2]);
const p = ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  ['shape mismatch', () => diceReference(y, ndarray([0.5, 0.5], [1, 1, 2])), /yPred has shape \[1,1,2\]/],
  ['probability above 1', () => diceReference(y, ndarray([0.8, 0.2, 0.4, 1.6], [1, 2, 2])), /yPred has 1.6/],
  [
    'sigmoid without fromLogits',
    () => diceReference(y, p, { activation: 'sigmoid' }),
    /'activation' is 'sigmoid' but fromLogits is false/,
  ],
  [
    'unknown activation',
    () => diceReference(y, p, { activation: 'tanh' as never }),
    /'activation' is "tanh"/,
  ],
  [
    'softmax on one channel',
    () =>
      diceReference(ndarray([1, 0], [1, 2, 1]), ndarray([2, -1], [1, 2, 1]), {
        fromLogits: true,
        activation: 'softmax',
      }),
    /option 'activation' is 'softmax' but yPred has 1 channel \(a softmax over it is 1 everywhere\)/,
  ],
  [
    'softmax in multilabel mode',
    () => diceReference(y, p, { fromLogits: true, activation: 'softmax', mode: 'multilabel' }),
    /option 'activation' is 'softmax' but the mode is 'multilabel'/,
  ],
  [
    'binary mode with two channels',
    () => diceReference(y, p, { mode: 'binary' }),
    /option 'mode' is 'binary' but yPred has 2 channels/,
  ],
  [
    'multiclass mode with one channel',
    () => diceReference(ndarray([1, 0], [1, 2, 1]), ndarray([0.7, 0.1], [1, 2, 1]), { mode: 'multiclass' }),
    /option 'mode' is 'multiclass' but yPred has 1 channel/,
  ],
  [
    'includeBackground false with one channel',
    () =>
      diceReference(ndarray([1, 0], [1, 2, 1]), ndarray([0.7, 0.1], [1, 2, 1]), { includeBackground: false }),
    /option 'includeBackground' is false but yPred has 1 channel/,
  ],
  [
    'unknown mode',
    () => diceReference(y, p, { mode: 'multi' as never }),
    /option 'mode' is "multi"; expected one of multiclass, multilabel, binary/,
  ],
  ['negative smoothing', () => diceReference(y, p, { smoothNr: -1 }), /'smoothNr' is -1/],
  [
    'class weights of the wrong length',
    () => diceReference(y, p, { classWeights: [1] }),
    /1 entries; expected 2/,
  ],
  ['negative class weight', () => diceReference(y, p, { classWeights: [1, -2] }), /has -2 at index 1/],
  ['annotated of the wrong shape', () => diceReference(y, p, { annotated: ndarray([1], [1, 1]) }), /\[1,2\]/],
  ['unknown option', () => diceReference(y, p, { smooth: 1 } as never), /unknown option 'smooth'/],
  ['bad reduction', () => diceReference(y, p, { reduction: 'avg' as never }), /'reduction' is "avg"/],
  ['tensor: NaN', () => dice(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[NaN, 1]]])), /yPred contains NaN/],
  [
    'tensor: class weights of the wrong length',
    () => dice(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0, 1]]]), { classWeights: [1, 1, 1] }),
    /3 entries; expected 2/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`dice: bad input: ${name}`, () => {
    assert.throws(
      call,
      (err: Error) =>
        err.name === 'SeglossError' && message.test(err.message) && err.message.startsWith('segloss: dice: '),
    );
  });
}

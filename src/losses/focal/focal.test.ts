import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { focalReference } from './reference.js';
import { focal } from './tensor.js';
import { focalCases } from './cases.js';
import { crossEntropyReference } from '../crossentropy/reference.js';
import {
  checkGradient,
  checkIgnoreContract,
  checkRandomParity,
  checkRandomParityWith,
  randomOneHot,
  randomPredictions,
  checkSigmoidOutputs,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('focal', focalCases);
checkRandomParity('focal', [
  {},
  { fromLogits: true },
  { useSoftmax: true },
  { useSoftmax: true, fromLogits: true, alpha: 0.3 },
  { reduction: 'none', alpha: 0.25, gamma: 1.5 },
  { reduction: 'sum', includeBackground: false, fromLogits: true },
  { annotated: 'infer', fromLogits: true },
  { annotated: 'infer', useSoftmax: true, includeBackground: false },
]);
checkRandomParityWith('focal', 'class weights, alpha, logits', (_n, c) => ({
  classWeights: Array.from({ length: c }, (_, k) => 0.25 + k),
  alpha: 0.6,
  fromLogits: true,
}));
checkGradient('focal', {});
checkGradient('focal', { fromLogits: true, alpha: 0.25 });
checkGradient('focal', { useSoftmax: true, fromLogits: true });
checkGradient('focal', { useSoftmax: true, gamma: 1.5, classWeights: [1, 2, 0.5] });
checkGradient('focal', { annotated: 'infer', includeBackground: false, fromLogits: true });
checkSigmoidOutputs('focal', 1, { fromLogits: true });
checkSigmoidOutputs('focal', 1, { alpha: 0.25, gamma: 1.5 });
checkSigmoidOutputs('focal', 3, { fromLogits: true, mode: 'multilabel', annotated: 'infer' });
checkIgnoreContract('focal', {});
checkIgnoreContract('focal', { fromLogits: true, useSoftmax: true, annotated: 'infer' });

test('focal: gamma 0 (alpha null), sigmoid = binary cross-entropy averaged over channels', () => {
  const yTrue = randomOneHot(51, 3, 20, 4);
  const { probs, logits } = randomPredictions(52, 3, 20, 4);
  let bce = 0;
  let bceLogits = 0;
  for (let i = 0; i < probs.data.length; i++) {
    const t = yTrue.data[i];
    const q = probs.data[i];
    bce -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
    const s = 1 / (1 + Math.exp(-logits.data[i]));
    bceLogits -= t * Math.log(s) + (1 - t) * Math.log(1 - s);
  }
  const count = probs.data.length;
  const f = focalReference(yTrue, probs, { gamma: 0 }).data[0];
  assert.ok(Math.abs(f - bce / count) < 1e-6, `${f} = ${bce / count}`);
  const fl = tf.tidy(
    () =>
      focal(tf.tensor(yTrue.data, [3, 20, 4]), tf.tensor(logits.data, [3, 20, 4]), {
        gamma: 0,
        fromLogits: true,
      }).dataSync()[0],
  );
  assert.ok(Math.abs(fl - bceLogits / count) < 1e-5, `${fl} = ${bceLogits / count}`);
});

test('focal: gamma 0 (alpha null), softmax = categorical cross-entropy / C, pixel by pixel', () => {
  const yTrue = randomOneHot(53, 2, 30, 4);
  const { logits } = randomPredictions(54, 2, 30, 4);
  const ce = crossEntropyReference(yTrue, logits, { fromLogits: true, reduction: 'none' }).data;
  const f = focalReference(yTrue, logits, {
    gamma: 0,
    useSoftmax: true,
    fromLogits: true,
    reduction: 'none',
  }).data;
  for (let i = 0; i < ce.length; i++) assert.ok(Math.abs(4 * f[i] - ce[i]) < 1e-5, `pixel ${i}`);
});

test('focal: gamma > 0 down-weights easy pixels more than hard ones', () => {
  const y = ndarray([0, 1, 0, 1], [1, 2, 2]);
  const p = ndarray([0.1, 0.9, 0.7, 0.3], [1, 2, 2]); // pixel 0 easy, pixel 1 hard
  const g0 = focalReference(y, p, { gamma: 0, reduction: 'none' }).data;
  const g2 = focalReference(y, p, { gamma: 2, reduction: 'none' }).data;
  assert.ok(g2[1] / g2[0] > 10 * (g0[1] / g0[0]), `hard/easy ${g2[1] / g2[0]} vs ${g0[1] / g0[0]}`);
});

test('focal: an unannotated channel gets exactly zero gradient', () => {
  const y = tf.tensor3d([
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
  ]);
  const z = tf.tensor3d([
    [
      [0.3, -1, 2],
      [0.1, 1.5, 0.4],
    ],
  ]);
  const g = tf
    .grad((x: tf.Tensor) => focal(y, x, { fromLogits: true, annotated: tf.tensor2d([[1, 1, 0]]) }))(z)
    .arraySync() as number[][][];
  assert.equal(g[0][0][2], 0);
  assert.equal(g[0][1][2], 0);
  assert.ok(Math.abs(g[0][0][1]) > 1e-3);
  tf.dispose([y, z]);
});

const y = ndarray([0, 1], [1, 1, 2]);
const p = ndarray([0.2, 0.8], [1, 1, 2]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  [
    'negative gamma',
    () => focalReference(y, p, { gamma: -1 }),
    /option 'gamma' is -1; expected a number in \[0, 100\]/,
  ],
  [
    'alpha above 1',
    () => focalReference(y, p, { alpha: 1.5 }),
    /option 'alpha' is 1.5; expected a number in \[0, 1\]/,
  ],
  [
    'alpha as a string',
    () => focalReference(y, p, { alpha: '0.5' as never }),
    /'alpha' must be null or a number/,
  ],
  [
    'class weights length',
    () => focalReference(y, p, { classWeights: [1] }),
    /'classWeights' has 1 entries; expected 2/,
  ],
  [
    'useSoftmax as a string',
    () => focalReference(y, p, { useSoftmax: 'yes' as never }),
    /'useSoftmax' must be a boolean/,
  ],
  [
    'useSoftmax with one channel',
    () => focalReference(ndarray([1], [1, 1, 1]), ndarray([0.7], [1, 1, 1]), { useSoftmax: true }),
    /option 'useSoftmax' is true but yPred has 1 channel/,
  ],
  [
    'useSoftmax in multilabel mode',
    () => focalReference(y, p, { useSoftmax: true, mode: 'multilabel' }),
    /option 'useSoftmax' is true but the mode is 'multilabel'/,
  ],
  [
    'annotated shape',
    () => focalReference(y, p, { annotated: ndarray([1, 1, 1], [1, 3]) }),
    /annotated has shape \[1,3\]; expected \[1,2\]/,
  ],
  [
    'tensor: negative class weight',
    () => focal(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0.2, 0.8]]]), { classWeights: [1, -1] }),
    /'classWeights' has -1 at index 1/,
  ],
  [
    'tensor: probabilities above 1',
    () => focal(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0.2, 1.8]]])),
    /yPred has values in \[0.2, 1.8\]; expected values in \[0, 1\]/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`focal: bad input: ${name}`, () => {
    assert.throws(
      call,
      (err: Error) => message.test(err.message) && err.message.startsWith('segloss: focal: '),
    );
  });
}

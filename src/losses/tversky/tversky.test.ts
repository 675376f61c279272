import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ndarray } from '../../core/ndarray.js';
import { tverskyReference } from './reference.js';
import { tversky } from './tensor.js';
import { tverskyCases } from './cases.js';
import { diceReference } from '../dice/reference.js';
import { jaccardReference } from '../jaccard/reference.js';
import {
  checkGradient,
  checkIgnoredPixels,
  checkRandomParity,
  randomOneHot,
  randomPredictions,
  runCaseTable,
} from '../../../test/helpers/loss-harness.js';

runCaseTable('tversky', tverskyCases);
checkRandomParity('tversky', [
  {},
  { alpha: 0.3, beta: 0.7, fromLogits: true },
  { alpha: 0.7, beta: 0.3, reduction: 'none', batch: true },
  { alpha: 1, beta: 0, fromLogits: true, activation: 'sigmoid', annotated: 'infer' },
]);
checkGradient('tversky', { alpha: 0.3, beta: 0.7 });
checkGradient('tversky', { alpha: 0.7, beta: 0.3, fromLogits: true, batch: true });
checkIgnoredPixels('tversky', { alpha: 0.3, beta: 0.7, fromLogits: true });

const yTrue = randomOneHot(31, 3, 25, 4);
const { probs, logits } = randomPredictions(32, 3, 25, 4);

test('tversky: alpha = beta = 0.5 is Dice (Dice smoothing = 2 x Tversky smoothing), on maps and means', () => {
  for (const extra of [
    {},
    { batch: true },
    { squaredPred: true, reduction: 'none' },
    { annotated: 'infer' },
  ] as const) {
    const t = tverskyReference(yTrue, probs, {
      alpha: 0.5,
      beta: 0.5,
      smoothNr: 1e-3,
      smoothDr: 2e-3,
      ...extra,
    });
    const d = diceReference(yTrue, probs, { smoothNr: 2e-3, smoothDr: 4e-3, ...extra });
    assert.deepEqual(Array.from(t.data), Array.from(d.data), JSON.stringify(extra));
  }
});

test('tversky: alpha = beta = 1 is Jaccard (Jaccard smoothing = 2 x Tversky smoothing)', () => {
  const t = tverskyReference(yTrue, logits, { alpha: 1, beta: 1, fromLogits: true, reduction: 'none' });
  const j = jaccardReference(yTrue, logits, {
    fromLogits: true,
    reduction: 'none',
    smoothNr: 2e-5,
    smoothDr: 2e-5,
  });
  assert.deepEqual(Array.from(t.data), Array.from(j.data));
});

test('tversky: with alpha > beta, false positives cost more than false negatives', () => {
  const y = ndarray([1, 0, 0, 1], [1, 2, 2]);
  const overPredict = ndarray([0, 1, 0, 1], [1, 2, 2]); // fg predicted on the bg pixel
  const opts = { alpha: 0.7, beta: 0.3, smoothNr: 0, smoothDr: 0, includeBackground: false };
  assert.ok(Math.abs(tverskyReference(y, overPredict, opts).data[0] - (1 - 1 / 1.7)) < 1e-7);
  const underPredict = ndarray([1, 0, 1, 0], [1, 2, 2]);
  const missed = tverskyReference(ndarray([0, 1, 0, 1], [1, 2, 2]), ndarray([0, 1, 1, 0], [1, 2, 2]), opts);
  assert.ok(Math.abs(missed.data[0] - (1 - 1 / 1.3)) < 1e-7, `fn costs 0.3: ${missed.data[0]}`);
  assert.ok(tverskyReference(y, underPredict, opts).data[0] === 1);
});

test('tversky: uniform class weights change nothing', () => {
  const a = tverskyReference(yTrue, probs, { alpha: 0.3, beta: 0.7 }).data[0];
  const b = tverskyReference(yTrue, probs, { alpha: 0.3, beta: 0.7, classWeights: [3, 3, 3, 3] }).data[0];
  assert.ok(Math.abs(a - b) < 1e-7, `${a} = ${b}`);
});

const y = ndarray([1, 0, 0, 1], [1, 2, 2]);
const p = ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]);
const badInputs: Array<[string, () => unknown, RegExp]> = [
  ['negative alpha', () => tverskyReference(y, p, { alpha: -0.1 }), /'alpha' is -0.1/],
  ['NaN beta', () => tverskyReference(y, p, { beta: NaN }), /option 'beta' must be a number/],
  ['alpha as a string', () => tverskyReference(y, p, { alpha: '0.3' as never }), /'alpha' must be a number/],
  [
    'tensor: shape mismatch',
    () => tversky(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0, 0.5, 0.5]]])),
    /yPred has shape/,
  ],
];
for (const [name, call, message] of badInputs) {
  test(`tversky: bad input: ${name}`, () => {
    assert.throws(
      call,
      (err: Error) => message.test(err.message) && err.message.startsWith('segloss: tversky: '),
    );
  });
}

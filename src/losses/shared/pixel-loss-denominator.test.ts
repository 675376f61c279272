import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { getLoss, listLosses, type LossOptions } from '../registry.js';
import { randomOneHot, randomPredictions } from '../../../test/helpers/loss-harness.js';

// Four pixels of one image, three classes: labels 0, 2, 1, 1, the last pixel ignored.
const y = tf.tensor3d([
  [
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
    [0, 1, 0],
  ],
]);
const ignoreMask = tf.tensor2d([[0, 0, 0, 1]]);

test('meanDenominator: valid pixels, or the weighted count with class weights (hand)', () => {
  const ce = getLoss('crossentropy');
  assert.equal(ce.meanDenominator?.(y, {}), 4);
  assert.equal(ce.meanDenominator?.(y, { ignoreMask }), 3);
  // sum_i v_i sum_c w_c y_ic = 1 + 3 + 2 (the ignored label-1 pixel drops out).
  assert.equal(ce.meanDenominator?.(y, { ignoreMask, classWeights: [1, 2, 3] }), 6);
  assert.equal(getLoss('missing-aware-crossentropy').meanDenominator?.(y, { ignoreMask }), 3);
});

test('meanDenominator: binary-crossentropy counts kept (image, class) elements over C (hand)', () => {
  const bce = getLoss('binary-crossentropy');
  const y2 = tf.tensor3d([
    [
      [1, 0],
      [0, 0],
    ],
  ]);
  // All kept: 2 pixels x 2/2 = 2; only class 0 annotated: 2 pixels x 1/2 = 1; none: 0.
  assert.equal(bce.meanDenominator?.(y2, {}), 2);
  assert.equal(bce.meanDenominator?.(y2, { annotated: tf.tensor2d([[1, 0]]) }), 1);
  assert.equal(bce.meanDenominator?.(y2, { annotated: tf.tensor2d([[0, 0]]) }), 0);
});

test('meanDenominator exists exactly for the per-pixel losses', () => {
  const withIt = listLosses()
    .filter((l) => l.meanDenominator !== undefined)
    .map((l) => l.name);
  assert.deepEqual(withIt.sort(), [
    'binary-crossentropy',
    'crossentropy',
    'focal',
    'marginal-crossentropy',
    'missing-aware-crossentropy',
  ]);
});

/**
 * The identity the data-parallel step relies on: for a batch split into two shards,
 * `mean(batch) = (sum(shard 1) + sum(shard 2)) / (D(shard 1) + D(shard 2))`.
 */
const SPLIT_CASES: readonly [string, LossOptions][] = [
  ['crossentropy', { classWeights: [0.5, 2, 1, 3] }],
  ['crossentropy', { labelSmoothing: 0.1, fromLogits: true }],
  ['missing-aware-crossentropy', { annotated: 'infer' }],
  ['marginal-crossentropy', { annotated: 'infer', fromLogits: true }],
  ['focal', { gamma: 2, annotated: 'infer' }],
  ['binary-crossentropy', { annotated: 'infer', posWeight: [2, 1, 1, 0.5] }],
];

for (const [name, options] of SPLIT_CASES) {
  test(`meanDenominator: ${name} ${JSON.stringify(options)} splits over shards of the batch`, () => {
    const loss = getLoss(name);
    const [n, p, c] = [5, 12, 4];
    const yt = randomOneHot(11, n, p, c);
    const { logits, probs } = randomPredictions(12, n, p, c);
    const pred = options.fromLogits === true ? logits : probs;
    const ignore = Float32Array.from({ length: n * p }, (_, i) => (i % 7 === 3 ? 1 : 0));
    tf.tidy(() => {
      const yAll = tf.tensor3d(yt.data, [n, p, c]);
      const pAll = tf.tensor3d(pred.data, [n, p, c]);
      const mAll = tf.tensor2d(ignore, [n, p]);
      const whole = loss.tensor(yAll, pAll, { ...options, ignoreMask: mAll }).dataSync()[0];
      let sum = 0;
      let den = 0;
      for (const [start, count] of [
        [0, 3],
        [3, 2],
      ]) {
        const part = (t: tf.Tensor) => tf.slice(t, start, count);
        const opts = { ...options, ignoreMask: part(mAll) };
        sum += loss.tensor(part(yAll), part(pAll), { ...opts, reduction: 'sum' }).dataSync()[0];
        den += loss.meanDenominator?.(part(yAll), opts) ?? NaN;
      }
      assert.ok(den > 0);
      assert.ok(Math.abs(sum / den - whole) <= 1e-6 * Math.abs(whole), `${sum / den} vs ${whole}`);
    });
  });
}

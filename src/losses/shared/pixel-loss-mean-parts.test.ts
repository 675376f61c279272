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

/** `meanParts` of a registered loss as numbers. */
function parts(name: string, yTrue: tf.Tensor, yPred: tf.Tensor, options: LossOptions): [number, number] {
  const f = getLoss(name).meanParts;
  if (f === undefined) throw new Error(`${name} has no meanParts`);
  const { sum, denominator } = f(yTrue, yPred, options);
  const out: [number, number] = [sum.dataSync()[0], denominator.dataSync()[0]];
  tf.dispose([sum, denominator]);
  return out;
}

// Predictions of the four pixels: the true class gets 0.5, 0.25, 0.8, 0.4.
const p = tf.tensor3d([
  [
    [0.5, 0.25, 0.25],
    [0.5, 0.25, 0.25],
    [0.1, 0.8, 0.1],
    [0.3, 0.4, 0.3],
  ],
]);
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.abs(b), `${a} vs ${b}`);

test('meanParts: sum of -log p over valid pixels, denominator the valid or weighted count (hand)', () => {
  const [s4, d4] = parts('crossentropy', y, p, {});
  close(s4, -Math.log(0.5) - Math.log(0.25) - Math.log(0.8) - Math.log(0.4));
  assert.equal(d4, 4);
  const [s3, d3] = parts('crossentropy', y, p, { ignoreMask });
  close(s3, -Math.log(0.5) - Math.log(0.25) - Math.log(0.8));
  assert.equal(d3, 3);
  // sum_i v_i sum_c w_c y_ic = 1 + 3 + 2 (the ignored label-1 pixel drops out); S weights each term.
  const [sw, dw] = parts('crossentropy', y, p, { ignoreMask, classWeights: [1, 2, 3] });
  close(sw, -1 * Math.log(0.5) - 3 * Math.log(0.25) - 2 * Math.log(0.8));
  assert.equal(dw, 6);
  assert.equal(parts('missing-aware-crossentropy', y, p, { ignoreMask })[1], 3);
  // The reduction option is not used: the parts are the same under 'sum' and 'none'.
  assert.deepEqual(parts('crossentropy', y, p, { ignoreMask, reduction: 'none' }), [s3, d3]);
});

test('meanParts: binary-crossentropy counts kept (image, class) elements over C (hand)', () => {
  const bce = getLoss('binary-crossentropy');
  const y2 = tf.tensor3d([
    [
      [1, 0],
      [0, 0],
    ],
  ]);
  const p2 = tf.tensor3d([
    [
      [0.9, 0.2],
      [0.3, 0.4],
    ],
  ]);
  // All kept: 2 pixels x 2/2 = 2; only class 0 annotated: 2 pixels x 1/2 = 1; none: 0.
  // The sum is the mean over channels of -[y log p + (1-y) log(1-p)], times the kept share.
  const [s, d] = parts(bce.name, y2, p2, {});
  close(s, -(Math.log(0.9) + Math.log(0.8) + Math.log(0.7) + Math.log(0.6)) / 2);
  assert.equal(d, 2);
  const [s0, d0] = parts(bce.name, y2, p2, { annotated: tf.tensor2d([[1, 0]]) });
  close(s0, -(Math.log(0.9) + Math.log(0.7)) / 2);
  assert.equal(d0, 1);
  assert.deepEqual(parts(bce.name, y2, p2, { annotated: tf.tensor2d([[0, 0]]) }), [0, 0]);
});

test('meanParts exists exactly for the per-pixel losses', () => {
  const withIt = listLosses()
    .filter((l) => l.meanParts !== undefined)
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
  test(`meanParts: ${name} ${JSON.stringify(options)} splits over shards of the batch`, () => {
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
        const [s, d] = parts(name, part(yAll), part(pAll), opts);
        // The sum part is the loss under reduction 'sum'.
        const viaSum = loss.tensor(part(yAll), part(pAll), { ...opts, reduction: 'sum' }).dataSync()[0];
        assert.ok(Math.abs(s - viaSum) <= 1e-6 * Math.abs(viaSum), `${s} vs ${viaSum}`);
        sum += s;
        den += d;
      }
      assert.ok(den > 0);
      assert.ok(Math.abs(sum / den - whole) <= 1e-6 * Math.abs(whole), `${sum / den} vs ${whole}`);
    });
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  reduceRegionReference,
  reduceRegionTensor,
  regionStatsReference,
  regionStatsTensor,
  tverskyIndexReference,
  tverskyIndexTensor,
} from './region-stats.js';
import { assertAllClose, randomOneHot, randomPredictions } from '../../../test/helpers/loss-harness.js';

// Two images, two pixels, two classes.
// image 0: y = [[1, 0], [0, 1]], p = [[0.8, 0.2], [0.4, 0.6]]; image 1: y = [[1, 0], [1, 0]], p = 0.5 everywhere.
const y = Float32Array.of(1, 0, 0, 1, 1, 0, 1, 0);
const p = Float32Array.of(0.8, 0.2, 0.4, 0.6, 0.5, 0.5, 0.5, 0.5);
const layout = { n: 2, p: 2, c: 2, mapShape: [2, 2] };
const plain = { squaredPred: false, batch: false };

test('region stats: soft tp, fp, fn per image and class (hand)', () => {
  const s = regionStatsReference(y, p, layout, plain);
  assertAllClose(s.tp, [0.8, 0.6, 1, 0], 1e-6, 'tp = sum y p');
  assertAllClose(s.fp, [0.4, 0.2, 0, 1], 1e-6, 'fp = sum (1 - y) p');
  assertAllClose(s.fn, [0.2, 0.4, 1, 0], 1e-6, 'fn = sum y (1 - p)');
});

test('region stats: squaredPred uses sum p^2 and sum y^2', () => {
  const s = regionStatsReference(y, p, layout, { squaredPred: true, batch: false });
  // image 0 bg: sum p^2 = 0.64 + 0.16 = 0.8, tp 0.8 -> fp 0; sum y^2 = 1 -> fn 0.2
  assertAllClose(s.fp, [0.8 - 0.8, 0.04 + 0.36 - 0.6, 0.5 - 1, 0.5], 1e-6, 'fp = sum p^2 - tp');
  assertAllClose(s.fn, [0.2, 0.4, 1, 0], 1e-6, 'fn = sum y^2 - tp');
});

test('region stats: ignored pixels leave every sum; batch pools images, masked per class', () => {
  const valid = Float32Array.of(1, 0, 1, 1);
  const s = regionStatsReference(y, p, layout, { ...plain, valid });
  assertAllClose(s.tp, [0.8, 0, 1, 0], 1e-6, 'tp without pixel 1 of image 0');
  assertAllClose(s.fp, [0, 0.2, 0, 1], 1e-6, 'fp');
  const pooled = regionStatsReference(y, p, layout, { squaredPred: false, batch: true });
  assert.equal(pooled.rows, 1);
  assertAllClose(pooled.tp, [1.8, 0.6], 1e-6, 'pooled tp');
  const masked = regionStatsReference(y, p, layout, {
    squaredPred: false,
    batch: true,
    mask: Float32Array.of(1, 1, 1, 0),
  });
  assertAllClose(masked.fp, [0.4, 0.2], 1e-6, 'image 1 leaves class 1 pooled fp');
});

test('region stats: tensor twin equals the reference on random inputs', () => {
  const yy = randomOneHot(71, 3, 9, 4);
  const { probs } = randomPredictions(72, 3, 9, 4);
  const lay = { n: 3, p: 9, c: 4, mapShape: [3, 9] };
  const valid = Float32Array.from({ length: 27 }, (_, i) => (i % 4 === 0 ? 0 : 1));
  const mask = Float32Array.from({ length: 12 }, (_, i) => (i % 5 === 0 ? 0 : 1));
  for (const opts of [plain, { squaredPred: true, batch: true }]) {
    const ref = regionStatsReference(yy.data, probs.data, lay, { ...opts, valid, mask });
    const out = tf.tidy(() => {
      const s = regionStatsTensor(tf.tensor3d(yy.data, [3, 9, 4]), tf.tensor3d(probs.data, [3, 9, 4]), {
        ...opts,
        valid: tf.tensor2d(valid, [3, 9]),
        mask: tf.tensor2d(mask, [3, 4]),
      });
      return [s.tp, s.fp, s.fn].map((t) => t.dataSync());
    });
    assertAllClose(out[0], ref.tp, 1e-5, 'tp');
    assertAllClose(out[1], ref.fp, 1e-5, 'fp');
    assertAllClose(out[2], ref.fn, 1e-5, 'fn');
  }
});

test('tversky index: formula, and 1 with a finite gradient when the denominator is 0', () => {
  const stats = {
    rows: 1,
    c: 2,
    tp: Float64Array.of(2, 0),
    fp: Float64Array.of(1, 0),
    fn: Float64Array.of(1, 0),
  };
  const params = { alpha: 0.3, beta: 0.7, smoothNr: 0, smoothDr: 0 };
  assertAllClose(tverskyIndexReference(stats, params), [2 / 3, 1], 1e-12, 'reference');
  const grads = tf.tidy(() => {
    const f = (tp: tf.Tensor): tf.Tensor => {
      const t2 = tp as tf.Tensor2D;
      return tf.sum(
        tverskyIndexTensor({ tp: t2, fp: tf.tensor2d([[1, 0]]), fn: tf.tensor2d([[1, 0]]) }, params),
      );
    };
    return tf
      .grad(f)(tf.tensor2d([[2, 0]]))
      .dataSync();
  });
  // d/dtp tp / (tp + 1) at tp = 2 is 1 / 9; the empty entry is held at 1: gradient 0, not NaN
  assertAllClose(grads, [1 / 9, 0], 1e-6, 'gradient');
});

test('region reduction: none = w L, sum, weighted mean; a NaN at weight 0 does not leak', () => {
  const losses = Float64Array.of(0.5, NaN, 0.2, 0.4);
  const w = Float32Array.of(1, 0, 2, 1);
  assert.deepEqual(
    Array.from(reduceRegionReference('t', losses, w, 2, 'none').data),
    [0.5, 0, 0.4, 0.4].map(Math.fround),
  );
  assertAllClose(reduceRegionReference('t', losses, w, 2, 'sum').data, [1.3], 1e-6, 'sum');
  assertAllClose(reduceRegionReference('t', losses, w, 2, 'mean').data, [1.3 / 4], 1e-6, 'mean');
  const t = tf.tidy(() =>
    reduceRegionTensor(
      't',
      tf.tensor2d([0.5, NaN, 0.2, 0.4], [2, 2]),
      tf.tensor2d(w, [2, 2]),
      'mean',
    ).dataSync(),
  );
  assertAllClose(t, [1.3 / 4], 1e-6, 'tensor mean');
  assert.throws(
    () => reduceRegionReference('t', losses, w, 2, 'avg' as never),
    /segloss: t: option 'reduction'/,
  );
});

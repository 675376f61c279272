import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray } from '../core/ndarray.js';
import {
  absentClassFalsePositiveRate,
  argmaxLabels,
  confusionMatrix,
  confusionStats,
  dice,
  iou,
  MetricAccumulator,
  multilabelStats,
  pixelAccuracy,
  precision,
  recall,
} from './index.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} !== ${b}`);

// Hand-derived table. Two 2x2 images, 3 classes, 255 = ignore.
//   image 0: labels [0,1,1,2]   pred [0,1,0,2]   -> tp [1,1,1] fp [1,0,0] fn [0,1,0] tn [2,2,3]
//   image 1: labels [0,0,255,1] pred [1,0,2,1]   -> (pixel 2 ignored, its pred 2 is not an fp)
//                                                  tp [1,1,0] fp [0,1,0] fn [1,0,0] tn [1,1,3]
const labels = Uint8Array.of(0, 1, 1, 2, 0, 0, 255, 1);
const pred = Uint8Array.of(0, 1, 0, 2, 1, 0, 2, 1);
const stats = confusionStats(labels, pred, { n: 2, numClasses: 3 });

test('confusionStats: hand-derived counts with an ignored pixel', () => {
  assert.deepEqual([...stats.tp], [1, 1, 1, 1, 1, 0]);
  assert.deepEqual([...stats.fp], [1, 0, 0, 0, 1, 0]);
  assert.deepEqual([...stats.fn], [0, 1, 0, 1, 0, 0]);
  assert.deepEqual([...stats.tn], [2, 2, 3, 1, 1, 3]);
});

test('confusionStats: cases from smp tests/test_metrics.py (get_stats, multiclass)', () => {
  // test_ignore_index_masking: output [0,1,2,1], target [0,1,255,2] -> tp [1,1,0] fp [0,1,0] fn [0,0,1] tn [2,1,2]
  const a = confusionStats(Int32Array.of(0, 1, 255, 2), Int32Array.of(0, 1, 2, 1), { n: 1, numClasses: 3 });
  assert.deepEqual([...a.tp, ...a.fp, ...a.fn, ...a.tn], [1, 1, 0, 0, 1, 0, 0, 0, 1, 2, 1, 2]);
  // test_valid_shape1_equals_numclasses: target [[0,1,2],[2,2,0]], output [[0,1,2],[2,1,0]]
  const b = confusionStats(Int32Array.of(0, 1, 2, 2, 2, 0), Int32Array.of(0, 1, 2, 2, 1, 0), {
    n: 2,
    numClasses: 3,
  });
  assert.deepEqual([...b.tp], [1, 1, 1, 1, 0, 1]);
  assert.deepEqual([...b.fp], [0, 0, 0, 0, 1, 0]);
  assert.deepEqual([...b.fn], [0, 0, 0, 0, 0, 1]);
});

test('iou: every reduction on the hand table', () => {
  // per class over both images: c0 2/(2+1+1), c1 2/(2+1+1), c2 1/1
  close(iou(stats), (0.5 + 0.5 + 1) / 3);
  close(iou(stats, { reduction: 'micro' }), 5 / 9); // tp 5, fp 2, fn 2
  const none = iou(stats, { reduction: 'none' });
  assert.deepEqual([...none.subarray(0, 5)], [0.5, 0.5, 1, 0.5, 0.5]);
  assert.ok(Number.isNaN(none[5])); // class 2 absent from truth and prediction of image 1: 0/0
  close(iou(stats, { reduction: 'per-image' }), (0.5 + 0.5 + 1) / 3); // NaN skipped
  // smp 'warn' (0/0 -> 0) and smp's default zero_division=1.0 for iou_score, macro-imagewise
  close(iou(stats, { reduction: 'per-image', zeroDivision: 0 }), (0.5 + 0.5 + 0.5) / 3);
  close(iou(stats, { reduction: 'per-image', zeroDivision: 1 }), (0.5 + 0.5 + 1) / 3);
  assert.equal(iou(stats, { reduction: 'none', zeroDivision: 0 })[5], 0);
  close(iou(stats, { includeBackground: false }), (0.5 + 1) / 2);
});

test('dice, precision, recall: macro and micro', () => {
  close(dice(stats), (2 / 3 + 2 / 3 + 1) / 3); // 2tp/(2tp+fp+fn): 4/6, 4/6, 2/2
  close(dice(stats, { reduction: 'micro' }), 10 / 14);
  close(precision(stats), (2 / 3 + 2 / 3 + 1) / 3); // tp/(tp+fp): 2/3, 2/3, 1/1
  close(recall(stats, { reduction: 'micro' }), 5 / 7);
  assert.deepEqual([...precision(stats, { reduction: 'none' }).subarray(0, 3)], [0.5, 1, 1]);
});

test('pixelAccuracy: micro, per-image, none, macro', () => {
  close(pixelAccuracy(stats), 5 / 7); // 5 right of 7 non-ignored pixels
  close(pixelAccuracy(stats, { reduction: 'per-image' }), (3 / 4 + 2 / 3) / 2);
  assert.deepEqual([...pixelAccuracy(stats, { reduction: 'none' })], [3 / 4, 2 / 3]);
  close(pixelAccuracy(stats, { reduction: 'macro' }), (2 / 3 + 2 / 3 + 1) / 3);
  const allIgnored = confusionStats(Uint8Array.of(255, 255), Uint8Array.of(0, 1), { n: 1, numClasses: 2 });
  assert.ok(Number.isNaN(pixelAccuracy(allIgnored)));
  assert.equal(pixelAccuracy(allIgnored, { zeroDivision: 1 }), 1);
});

test('micro IoU with all classes empty uses zeroDivision', () => {
  const empty = confusionStats(Uint8Array.of(255), Uint8Array.of(0), { n: 1, numClasses: 2 });
  assert.ok(Number.isNaN(iou(empty, { reduction: 'micro' })));
  assert.equal(iou(empty, { reduction: 'micro', zeroDivision: 1 }), 1);
});

test('confusionMatrix: rows truth, columns prediction; consistent with confusionStats', () => {
  const m = confusionMatrix(labels, pred, 3);
  assert.deepEqual([...m], [2, 1, 0, 1, 2, 0, 0, 0, 1]);
  for (let c = 0; c < 3; c++) {
    assert.equal(m[c * 3 + c], stats.tp[c] + stats.tp[3 + c]);
    const col = m[c] + m[3 + c] + m[6 + c];
    assert.equal(col - m[c * 3 + c], stats.fp[c] + stats.fp[3 + c]);
  }
});

test('argmaxLabels: first maximum per pixel', () => {
  assert.deepEqual([...argmaxLabels(ndarray([0.2, 0.8, 0.6, 0.4, 0.5, 0.5], [1, 3, 2]))], [1, 0, 0]);
  assert.throws(() => argmaxLabels(ndarray([1], [1])), /argmaxLabels: scores has shape \[1\]/);
});

test('absentClassFalsePositiveRate: image and pixel rates', () => {
  // class 2 is absent from image 1 and not predicted there (the ignored pixel does not count)
  const r = absentClassFalsePositiveRate(stats);
  assert.deepEqual([...r.absentImages], [0, 0, 1]);
  assert.deepEqual([...r.imageRate.subarray(2)], [0]);
  assert.ok(Number.isNaN(r.imageRate[0]));
  // image 0: class 1 absent, 1 of 4 pixels predicted 1; image 1: class 1 absent, none predicted
  const s = confusionStats(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0), Uint8Array.of(0, 1, 0, 0, 0, 0, 0, 0), {
    n: 2,
    numClasses: 2,
  });
  const q = absentClassFalsePositiveRate(s);
  assert.equal(q.imageRate[1], 0.5);
  assert.equal(q.pixelRate[1], 1 / 8);
  // presence given explicitly: class 1 declared present in image 0 -> only image 1 counts
  const p = absentClassFalsePositiveRate(s, [1, 1, 1, 0]);
  assert.equal(p.imageRate[1], 0);
  assert.throws(() => absentClassFalsePositiveRate(s, [1]), /present has 1 entries; expected N\*C = 4/);
});

test('MetricAccumulator: batches, merge and JSON give the same numbers as one pass', () => {
  const a = new MetricAccumulator(3);
  a.add(labels.subarray(0, 4), pred.subarray(0, 4), 1);
  const b = new MetricAccumulator(3);
  b.add(labels.subarray(4), pred.subarray(4), 1);
  const merged = MetricAccumulator.fromJSON(JSON.parse(JSON.stringify(a.merge(b))));
  assert.deepEqual(merged.stats(), stats);
  const s = merged.summary();
  assert.equal(s.images, 2);
  close(s.meanIoU, 2 / 3);
  close(s.pixelAccuracy, 5 / 7);
  assert.deepEqual(s.perClassIoU, [0.5, 0.5, 1]);
  assert.deepEqual(s.absentFalsePositiveImageRate.slice(2), [0]);
  assert.throws(() => new MetricAccumulator(3).summary(), /no images were added/);
  assert.throws(() => a.merge(new MetricAccumulator(2)), /other has 2 classes/);
  assert.throws(
    () =>
      MetricAccumulator.fromJSON({ numClasses: 2, ignoreIndex: 255, n: 1, tp: [1], fp: [], fn: [], tn: [] }),
    /tp has 1 entries; expected n\*numClasses = 2/,
  );
});

test('errors name the function and argument', () => {
  const o = { n: 1, numClasses: 3 };
  assert.throws(
    () => confusionStats(Uint8Array.of(0), Uint8Array.of(0, 1), o),
    /confusionStats: pred has 2 pixels/,
  );
  assert.throws(() => confusionStats(Uint8Array.of(3), Uint8Array.of(0), o), /labels has 3 at flat index 0/);
  assert.throws(() => confusionStats(Uint8Array.of(0), Uint8Array.of(7), o), /pred has 7 at flat index 0/);
  assert.throws(
    () => confusionStats(Uint8Array.of(0, 1, 2), Uint8Array.of(0, 1, 2), { n: 2, numClasses: 3 }),
    /not a multiple/,
  );
  assert.throws(
    () => confusionStats(Uint8Array.of(0), Uint8Array.of(0), { ...o, ignoreIndex: 1 }),
    /ignoreIndex 1/,
  );
  assert.throws(() => iou(stats, { reduction: 'mean' as 'micro' }), /iou: reduction is 'mean'/);
  assert.throws(() => iou(stats, { zeroDivision: NaN }), /zeroDivision is NaN/);
  assert.throws(() => confusionMatrix(Uint8Array.of(0), Uint8Array.of(5), 2), /confusionMatrix: pred has 5/);
});

test('multilabelStats: per-channel counts at a threshold (hand), overlaps, per-class thresholds', () => {
  const y = ndarray([1, 1, 0, 1], [1, 2, 2]);
  const p = ndarray([0.9, 0.4, 0.6, 0.7], [1, 2, 2]);
  const s = multilabelStats(y, p);
  assert.deepEqual([...s.tp, ...s.fp, ...s.fn, ...s.tn], [1, 1, 1, 0, 0, 1, 0, 0]);
  // IoU a = 1 / 2, b = 1 / 2; threshold 0.35 on b makes b perfect
  assert.equal(iou(s), 0.5);
  const t = multilabelStats(y, p, { threshold: [0.5, 0.35] });
  assert.deepEqual(Array.from(iou(t, { reduction: 'none' })), [0.5, 1]);
  // the threshold is inclusive (p >= t), as smp's
  assert.equal(multilabelStats(ndarray([1], [1, 1, 1]), ndarray([0.5], [1, 1, 1])).tp[0], 1);
});

test('multilabelStats: unannotated pairs and ignored pixels leave every count', () => {
  const y = ndarray([1, 0, 1, 1], [2, 1, 2]);
  const p = ndarray([0.9, 0.8, 0.1, 0.7], [2, 1, 2]);
  const s = multilabelStats(y, p, { annotated: ndarray([1, 0, 1, 1], [2, 2]) });
  assert.deepEqual([...s.tp, ...s.fp, ...s.fn, ...s.tn], [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  // image 0 class 1 is unknown: its IoU is 0/0 = NaN and the per-image mean skips it
  assert.deepEqual(Array.from(iou(s, { reduction: 'none' })), [1, NaN, 0, 1]);
  assert.equal(iou(s, { reduction: 'per-image' }), (0.5 + 1) / 2);
  const ignored = multilabelStats(y, p, { ignoreMask: ndarray([1, 0], [2, 1]) });
  assert.equal(ignored.fp[1], 0);
  assert.throws(() => multilabelStats(y, p, { threshold: 2 }), /segloss: multilabelStats: threshold is 2/);
  assert.throws(
    () => multilabelStats(ndarray([0.5, 0, 1, 1], [2, 1, 2]), p),
    /segloss: multilabelStats: targets has 0.5 at flat index 0; expected 0 or 1/,
  );
});

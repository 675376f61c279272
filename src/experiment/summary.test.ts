import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanSd, summarise, summaryMarkdown, type RunOutcome } from './summary.js';

const close = (a: number | null, b: number, tol = 5e-5) =>
  assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('meanSd: sample standard deviation (n - 1), by hand', () => {
  // The README's cross-entropy seeds: mean 0.750667; deviations 0.117333, -0.108667, -0.008667;
  // squares sum to 0.025651, / 2 = 0.012825, sqrt = 0.113248.
  const m = meanSd([0.868, 0.642, 0.742]);
  close(m.mean, 0.750667, 1e-6);
  close(m.sd, 0.113248, 1e-6);
  assert.equal(m.n, 3);
  // Two values a, b: sd = |a - b| / sqrt 2.
  close(meanSd([1, 2]).sd, 1 / Math.SQRT2, 1e-12);
  assert.deepEqual(meanSd([0.5]), { mean: 0.5, sd: null, n: 1 });
  assert.deepEqual(meanSd([]), { mean: null, sd: null, n: 0 });
  // Nulls (undefined IoU) are left out, not counted as 0.
  assert.deepEqual(meanSd([null, 0.25, null]), { mean: 0.25, sd: null, n: 1 });
});

const scores = (miou: number, ious: (number | null)[]) => ({
  meanIoU: miou,
  perClass: ious.map((iou, k) => ({
    name: ['background', 'disk'][k],
    iou,
    absentFalsePositiveImageRate: null,
  })),
});

test('summarise groups runs by loss in first-seen order and counts failures', () => {
  const runs: RunOutcome[] = [
    { loss: 'b', seed: 1, dir: 'x', scores: scores(0.6, [0.9, 0.3]) },
    { loss: 'a', seed: 1, dir: 'x', scores: scores(0.8, [1.0, 0.6]) },
    { loss: 'b', seed: 2, dir: 'x', scores: scores(0.8, [0.9, 0.7]) },
    { loss: 'a', seed: 2, dir: 'x', scores: null, error: 'killed' },
  ];
  const s = summarise(runs);
  assert.deepEqual(
    s.map((x) => x.loss),
    ['b', 'a'],
  );
  close(s[0].meanIoU.mean, 0.7, 1e-12);
  close(s[0].meanIoU.sd, 0.2 / Math.SQRT2, 1e-12);
  close(s[0].perClass[1].iou.mean, 0.5, 1e-12);
  assert.equal(s[1].failed, 1);
  assert.deepEqual(s[1].seeds, [1, 2]);
  assert.deepEqual(s[1].meanIoU, { mean: 0.8, sd: null, n: 1 });
  const md = summaryMarkdown(s).split('\n');
  assert.equal(md[0], '| loss | runs | mean IoU | background | disk |');
  assert.equal(md[2], '| b | 2 | 0.700 ± 0.141 | 0.900 ± 0.000 | 0.500 ± 0.283 |');
  assert.equal(md[3], '| a | 1 (1 failed) | 0.800 | 1.000 | 0.600 |');
});

// Study statistics against scipy 1.x reference values (computed once with
// `python3 -c "from scipy import stats; print(stats.t.ppf(0.975, [1, 2, 5, 10, 30]))"` and likewise for
// the p-values; the numbers are written here, the tests need no Python) and hand derivations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  holm,
  incompleteBeta,
  logGamma,
  meanInterval,
  pairedTTest,
  signTestP,
  tQuantile,
  tTwoSidedP,
} from './statistics.js';

const close = (a: number | null, b: number, tol = 1e-9) =>
  assert.ok(a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('logGamma and incompleteBeta: hand values', () => {
  close(logGamma(1), 0, 1e-13);
  close(logGamma(5), Math.log(24), 1e-13);
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13);
  close(incompleteBeta(0.3, 1, 1), 0.3, 1e-13); // uniform CDF
  close(incompleteBeta(0.3, 2, 1), 0.09, 1e-13); // x^2
  close(incompleteBeta(0.3, 1, 2), 1 - 0.7 ** 2, 1e-13);
  assert.equal(incompleteBeta(0, 2, 3), 0);
  assert.equal(incompleteBeta(1, 2, 3), 1);
});

test('tQuantile(0.975, df) equals scipy.stats.t.ppf', () => {
  const ref: [number, number][] = [
    [1, 12.70620474],
    [2, 4.30265273],
    [5, 2.57058184],
    [10, 2.22813885],
    [30, 2.04227246],
  ];
  for (const [df, t] of ref) close(tQuantile(0.975, df), t, 1e-8);
  close(tQuantile(0.025, 4), -2.7764451051977943, 1e-9);
  assert.equal(tQuantile(0.5, 3), 0);
});

test('tTwoSidedP equals scipy 2 * t.sf(|t|, df)', () => {
  close(tTwoSidedP(2.0, 5), 0.10193947882985835, 1e-10);
  close(tTwoSidedP(3.5, 3), 0.039481037619282774, 1e-10);
  close(tTwoSidedP(-0.5, 20), 0.6225318422810237, 1e-10);
  close(tTwoSidedP(0, 7), 1, 1e-12);
  assert.throws(() => tTwoSidedP(1, 0), /tTwoSidedP: df is 0; expected a positive number/);
});

test('meanInterval: mean, sd (n - 1) and t-interval; fewer than two values have no interval', () => {
  const r = meanInterval([0.9, 0.92, 0.94, null]);
  close(r.mean, 0.92, 1e-12);
  close(r.sd, 0.02, 1e-12);
  // half-width t(0.975, 2) * 0.02 / sqrt(3) = 0.04968275423500651 (scipy)
  close(r.ci95?.[0] ?? null, 0.92 - 0.04968275423500651, 1e-9);
  close(r.ci95?.[1] ?? null, 0.92 + 0.04968275423500651, 1e-9);
  assert.equal(r.n, 3);
  assert.deepEqual(meanInterval([0.5]), { mean: 0.5, sd: null, ci95: null, n: 1 });
  assert.deepEqual(meanInterval([]), { mean: null, sd: null, ci95: null, n: 0 });
});

test('pairedTTest equals scipy.stats.ttest_rel; wins, losses, ties; degenerate spreads', () => {
  const r = pairedTTest([0.95, 0.94, 0.96], [0.9, 0.93, 0.91]);
  close(r.mean, 0.03666666666666659, 1e-9);
  close(r.t, 2.749999999999992, 1e-9);
  close(r.p, 0.11070270820011295, 1e-9);
  assert.equal(r.df, 2);
  assert.deepEqual([r.wins, r.losses, r.ties], [3, 0, 0]);
  const skip = pairedTTest([0.5, null, 0.7], [0.4, 0.1, 0.7]);
  assert.equal(skip.n, 2);
  assert.deepEqual([skip.wins, skip.losses, skip.ties], [1, 0, 1]);
  const same = pairedTTest([0.6, 0.7], [0.5, 0.6]); // every difference 0.1 (to rounding)
  assert.ok(same.p !== null && same.p < 1e-6);
  assert.equal(pairedTTest([0.6], [0.5]).t, null);
  assert.throws(() => pairedTTest([1], [1, 2]), /pairedTTest: a has 1 values and b 2; expected pairs/);
});

test('signTestP: exact binomial; five seeds cannot reach 0.05, six can (scipy binomtest)', () => {
  close(signTestP(5, 0), 0.0625, 1e-15);
  close(signTestP(0, 6), 0.03125, 1e-15);
  close(signTestP(5, 1), 0.21875, 1e-15);
  assert.equal(signTestP(0, 0), 1);
  assert.equal(signTestP(3, 3), 1);
});

test('holm: step-down adjusted p-values in input order (R p.adjust "holm")', () => {
  const out = holm([0.01, 0.04, 0.03]);
  [0.03, 0.06, 0.06].forEach((v, i) => close(out[i], v, 1e-12));
  assert.deepEqual(holm([0.5, null, 0.9]), [1, null, 1]);
  assert.deepEqual(holm([]), []);
});

/**
 * Statistics of a study over seeds: Student's t distribution (CDF and quantile, through the regularised
 * incomplete beta function), 95% t-intervals, paired t-tests, the two-sided sign test and Holm's
 * step-down correction. Pure functions of numbers; no dependency.
 */
import { fail } from '../core/errors.js';

/**
 * `ln Γ(x)` for `x > 0`, by the Lanczos approximation (g = 7, 9 coefficients; relative error about
 * 1e-15), with the reflection formula below 0.5.
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The continued fraction of the incomplete beta function (modified Lentz's method):
 * `I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * 1 / (1 + d1 / (1 + d2 / (1 + ...)))` with
 * `d(2m+1) = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))`, `d(2m) = m (b-m) x / ((a+2m-1)(a+2m))`.
 */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const num of [
      (m * (b - m) * x) / ((a + m2 - 1) * (a + m2)),
      (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)),
    ]) {
      d = 1 + num * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/**
 * The regularised incomplete beta function `I_x(a, b)` for `x` in [0, 1], `a, b > 0`; uses the
 * symmetry `I_x(a, b) = 1 - I_{1-x}(b, a)` where the continued fraction converges slowly.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/**
 * The two-sided p-value of Student's t statistic `t` with `df` degrees of freedom:
 * `P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2)`.
 *
 * @example
 * ```ts
 * tTwoSidedP(2.0, 5); // 0.10193947882985835 (scipy.stats: 2 * t.sf(2.0, 5))
 * ```
 */
export function tTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) fail('tTwoSidedP', `df is ${df}; expected a positive number`);
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * The quantile `q` of Student's t distribution with `df` degrees of freedom (`P(T <= t) = q`), by
 * bisection on {@link tTwoSidedP} to 1e-12.
 *
 * @example
 * ```ts
 * tQuantile(0.975, 5); // 2.5705818366147 (t-tables: 2.571)
 * ```
 */
export function tQuantile(q: number, df: number): number {
  if (!(q > 0 && q < 1)) fail('tQuantile', `q is ${q}; expected a number in (0, 1)`);
  if (q === 0.5) return 0;
  const upper = q > 0.5;
  const target = 2 * (upper ? 1 - q : q); // two-sided tail mass at |t|
  let lo = 0;
  let hi = 1;
  while (tTwoSidedP(hi, df) > target) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedP(mid, df) > target) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return upper ? t : -t;
}

/** Mean, sample sd (n − 1) and 95% t-interval of the finite values (nulls where undefined). */
export interface Interval {
  mean: number | null;
  sd: number | null;
  ci95: [number, number] | null;
  n: number;
}

/**
 * Mean ± `t(0.975, n-1) * sd / sqrt(n)` of the finite values in `values`.
 *
 * @example
 * ```ts
 * meanInterval([0.9, 0.92, 0.94]); // { mean: 0.92, sd: 0.02, ci95: [0.8703, 0.9697], n: 3 }
 * ```
 */
export function meanInterval(values: readonly (number | null)[]): Interval {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: null, sd: null, ci95: null, n };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, sd: null, ci95: null, n };
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return { mean, sd, ci95: [mean - half, mean + half], n };
}

/** A paired t-test of `a - b`. */
export interface PairedTest extends Interval {
  t: number | null;
  df: number;
  p: number | null;
  wins: number;
  losses: number;
  ties: number;
}

/**
 * Paired t-test of `a[i] - b[i]` over the indices where both are finite: the mean difference with its
 * 95% t-interval, `t = mean / (sd / sqrt(n))` with `n - 1` degrees of freedom and its two-sided p, and
 * the counts of positive, negative and zero differences. With `sd = 0` and a non-zero mean, `t` is
 * infinite and `p = 0`; with fewer than two pairs `t` and `p` are null.
 *
 * @example
 * ```ts
 * pairedTTest([0.95, 0.94, 0.96], [0.90, 0.93, 0.91]); // mean 0.0367, t = 2.750, df 2, p = 0.1106
 * ```
 */
export function pairedTTest(a: readonly (number | null)[], b: readonly (number | null)[]): PairedTest {
  if (a.length !== b.length)
    fail('pairedTTest', `a has ${a.length} values and b ${b.length}; expected pairs`);
  const d: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) d.push(x - y);
  }
  const ci = meanInterval(d);
  const wins = d.filter((x) => x > 0).length;
  const losses = d.filter((x) => x < 0).length;
  const counts = { wins, losses, ties: d.length - wins - losses, df: Math.max(0, d.length - 1) };
  if (ci.n < 2 || ci.mean === null || ci.sd === null) return { ...ci, ...counts, t: null, p: null };
  const se = ci.sd / Math.sqrt(ci.n);
  const t = se === 0 ? (ci.mean === 0 ? 0 : Math.sign(ci.mean) * Infinity) : ci.mean / se;
  return { ...ci, ...counts, t, p: se === 0 ? (ci.mean === 0 ? 1 : 0) : tTwoSidedP(t, ci.n - 1) };
}

/**
 * The two-sided exact sign test of `wins` against `losses` (ties dropped):
 * `p = min(1, 2 * P(X <= min(wins, losses)))`, `X ~ Binomial(wins + losses, 1/2)`. Its smallest
 * value for `n` pairs is `2 * 0.5^n`: 0.0625 for five seeds, so five seeds cannot reach p < 0.05.
 *
 * @example
 * ```ts
 * signTestP(5, 0); // 0.0625
 * signTestP(6, 0); // 0.03125
 * ```
 */
export function signTestP(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  const k = Math.min(wins, losses);
  let tail = 0;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  for (let i = 0; i <= k; i++) {
    tail += term;
    term = (term * (n - i)) / (i + 1);
  }
  return Math.min(1, 2 * tail);
}

/**
 * Holm's step-down correction of the p-values (nulls kept as null and not counted): sorted ascending,
 * `p'(i) = max over j <= i of min(1, (m - j + 1) p(j))`, returned in the input order.
 *
 * @example
 * ```ts
 * holm([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 * @see Holm 1979, "A simple sequentially rejective multiple test procedure"
 */
export function holm(p: readonly (number | null)[]): (number | null)[] {
  const idx = p.map((v, i) => [v, i] as const).filter((x): x is readonly [number, number] => x[0] !== null);
  idx.sort((x, y) => x[0] - y[0]);
  const m = idx.length;
  const out: (number | null)[] = p.map(() => null);
  let running = 0;
  idx.forEach(([v, i], j) => {
    running = Math.max(running, Math.min(1, (m - j) * v));
    out[i] = running;
  });
  return out;
}

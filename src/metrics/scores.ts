import { fail } from '../core/errors.js';
import type { ConfusionStats } from './confusion.js';

/**
 * How scores over images `i` and classes `c` are reduced (names follow smp, `per-image` is smp's
 * `macro-imagewise`):
 *
 * - `'micro'`: sum tp, fp, fn, tn over all images and classes, then one score.
 * - `'macro'`: sum over images per class, a score per class, then the mean over classes.
 * - `'per-image'`: a score per (image, class), the mean over images per class, then over classes.
 * - `'none'`: the score per (image, class), `Float64Array [N*C]` (no averaging).
 */
export type MetricReduction = 'micro' | 'macro' | 'per-image' | 'none';

/**
 * Options shared by every score.
 *
 * `zeroDivision` is the value of a 0/0 score (e.g. IoU of a class that is absent from both the truth and
 * the prediction). `'nan'` (the default) makes it NaN and leaves it out of every mean — a mean of only
 * NaNs is NaN. A number (smp's default for IoU/F1 is `1`; smp's `'warn'` means `0`) replaces it and is
 * averaged like any other score. Unlike smp, which leaves `'micro'` 0/0 as NaN, the rule applies to
 * every reduction.
 */
export interface ScoreOptions {
  readonly reduction?: MetricReduction;
  readonly zeroDivision?: number | 'nan';
  /** When false, class 0 (background) is left out of the scores and means (default true). */
  readonly includeBackground?: boolean;
}

/** A score from (tp, fp, fn, tn) counts; may return NaN for 0/0. */
type ScoreFn = (tp: number, fp: number, fn: number, tn: number) => number;

/** Mean of the non-NaN values (NaN when there are none). */
export function nanMean(values: ArrayLike<number>): number {
  let s = 0;
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) {
      s += values[i];
      k++;
    }
  }
  return k === 0 ? NaN : s / k;
}

function resolve(where: string, stats: ConfusionStats, options: ScoreOptions) {
  const reduction = options.reduction ?? 'macro';
  if (!['micro', 'macro', 'per-image', 'none'].includes(reduction)) {
    fail(where, `reduction is '${reduction}'; expected 'micro', 'macro', 'per-image' or 'none'`);
  }
  const zd = options.zeroDivision ?? 'nan';
  if (zd !== 'nan' && (typeof zd !== 'number' || Number.isNaN(zd))) {
    fail(where, `zeroDivision is ${String(zd)}; expected a number or 'nan'`);
  }
  const first = options.includeBackground === false ? 1 : 0;
  if (first >= stats.numClasses) fail(where, 'includeBackground is false but there is only one class');
  const fix = (v: number) => (Number.isNaN(v) && zd !== 'nan' ? zd : v);
  return { reduction, fix, first };
}

/** Applies `score` to `stats` with the reduction and zero-division rule of `options`. */
export function reduceScore(
  where: string,
  score: ScoreFn,
  stats: ConfusionStats,
  options: ScoreOptions = {},
) {
  const { reduction, fix, first } = resolve(where, stats, options);
  const { n, numClasses: c, tp, fp, fn, tn } = stats;
  if (reduction === 'none') {
    const out = new Float64Array(n * c);
    for (let k = 0; k < n * c; k++) out[k] = k % c < first ? NaN : fix(score(tp[k], fp[k], fn[k], tn[k]));
    return out;
  }
  if (reduction === 'micro') {
    const s = [0, 0, 0, 0];
    for (let k = 0; k < n * c; k++) {
      if (k % c < first) continue;
      s[0] += tp[k];
      s[1] += fp[k];
      s[2] += fn[k];
      s[3] += tn[k];
    }
    return fix(score(s[0], s[1], s[2], s[3]));
  }
  const perClass: number[] = [];
  for (let j = first; j < c; j++) {
    if (reduction === 'macro') {
      const s = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        s[0] += tp[i * c + j];
        s[1] += fp[i * c + j];
        s[2] += fn[i * c + j];
        s[3] += tn[i * c + j];
      }
      perClass.push(fix(score(s[0], s[1], s[2], s[3])));
    } else {
      const perImage: number[] = [];
      for (let i = 0; i < n; i++) {
        const k = i * c + j;
        perImage.push(fix(score(tp[k], fp[k], fn[k], tn[k])));
      }
      perClass.push(nanMean(perImage));
    }
  }
  return nanMean(perClass);
}

/** The score of each class summed over images (`Float64Array [C]`, 0/0 → `zeroDivision`). */
export function perClassScore(score: ScoreFn, stats: ConfusionStats, zeroDivision: number | 'nan' = 'nan') {
  const { n, numClasses: c } = stats;
  const out = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    let a = 0;
    let b = 0;
    let d = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      a += stats.tp[i * c + j];
      b += stats.fp[i * c + j];
      d += stats.fn[i * c + j];
      e += stats.tn[i * c + j];
    }
    const v = score(a, b, d, e);
    out[j] = Number.isNaN(v) && zeroDivision !== 'nan' ? zeroDivision : v;
  }
  return out;
}

/** IoU (Jaccard) of counts: `tp / (tp + fp + fn)`. */
export const iouOf: ScoreFn = (tp, fp, fn) => tp / (tp + fp + fn);
/** Dice (F1) of counts: `2 tp / (2 tp + fp + fn)`. */
export const diceOf: ScoreFn = (tp, fp, fn) => (2 * tp) / (2 * tp + fp + fn);
/** Precision of counts: `tp / (tp + fp)`. */
export const precisionOf: ScoreFn = (tp, fp) => tp / (tp + fp);
/** Recall (sensitivity) of counts: `tp / (tp + fn)`. */
export const recallOf: ScoreFn = (tp, _fp, fn) => tp / (tp + fn);

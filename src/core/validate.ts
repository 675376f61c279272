import { fail, formatShape } from './errors.js';
import type { Shape } from './ndarray.js';

/**
 * The layout of a `(yTrue, yPred)` pair after validation: `n` images of `p` pixels and `c` classes.
 * `[N, H, W, C]` gives `p = H * W`; the post's flattened `[N, P, C]` gives `p = P`. `mapShape` is the
 * per-pixel shape (`[N, H, W]` or `[N, P]`) that `reduction: 'none'` returns.
 */
export interface PairLayout {
  readonly n: number;
  readonly p: number;
  readonly c: number;
  readonly mapShape: Shape;
}

/**
 * Checks that `yTrue` and `yPred` have the same rank-3 or rank-4 channels-last shape with at least
 * `minClasses` channels (2 by default; 1 for losses that take one-channel binary outputs), and returns
 * their layout.
 *
 * @example
 * ```ts
 * checkPair('crossentropy', [8, 64, 64, 4], [8, 64, 64, 4]); // {n: 8, p: 4096, c: 4, mapShape: [8, 64, 64]}
 * ```
 */
export function checkPair(
  where: string,
  yTrueShape: Shape,
  yPredShape: Shape,
  minClasses: 1 | 2 = 2,
): PairLayout {
  for (const [arg, shape] of [
    ['yTrue', yTrueShape],
    ['yPred', yPredShape],
  ] as const) {
    if (shape.length !== 3 && shape.length !== 4) {
      fail(
        where,
        `${arg} has rank ${shape.length} (shape ${formatShape(shape)}); expected [N,H,W,C] or [N,P,C]`,
      );
    }
  }
  const same = yTrueShape.length === yPredShape.length && yTrueShape.every((d, i) => d === yPredShape[i]);
  if (!same) {
    fail(
      where,
      `yPred has shape ${formatShape(yPredShape)} but yTrue has ${formatShape(yTrueShape)}; ` +
        'both must be [N,H,W,C] (or [N,P,C]) with the same C',
    );
  }
  const c = yPredShape[yPredShape.length - 1];
  if (c < minClasses) {
    const hint =
      minClasses === 2 && c === 1
        ? ' (for one-channel binary outputs use binary-crossentropy, dice, jaccard, tversky or focal)'
        : '';
    fail(
      where,
      `yPred has ${c} class(es) (shape ${formatShape(yPredShape)}); expected at least ${minClasses}${hint}`,
    );
  }
  const n = yPredShape[0];
  const mapShape = yPredShape.slice(0, -1);
  const p = mapShape.slice(1).reduce((a, b) => a * b, 1);
  return { n, p, c, mapShape };
}

/** Checks that every value is finite; names the argument and the first bad index otherwise. */
export function checkFinite(where: string, arg: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]))
      fail(where, `${arg} has ${data[i]} at flat index ${i}; expected finite numbers`);
  }
}

/** Checks that every value lies in `[lo, hi]` (and is not NaN); names the argument and the first bad value. */
export function checkRange(
  where: string,
  arg: string,
  data: ArrayLike<number>,
  lo: number,
  hi: number,
): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= lo && v <= hi)) {
      fail(where, `${arg} has ${v} at flat index ${i}; expected values in [${lo}, ${hi}]`);
    }
  }
}

/** Checks that `shape` equals `expected`, naming the argument. */
export function checkShape(where: string, arg: string, shape: Shape, expected: Shape): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    fail(where, `${arg} has shape ${formatShape(shape)}; expected ${formatShape(expected)}`);
  }
}

/**
 * Merges user options over defaults, rejecting unknown keys (listing the valid ones) and values whose
 * type differs from the default's (arrays and objects are checked by the caller).
 *
 * @example
 * ```ts
 * resolveOptions('crossentropy', { epsilon: 1e-6 }, { epsilon: 1e-7, fromLogits: false });
 * // {epsilon: 1e-6, fromLogits: false}
 * ```
 */
export function resolveOptions<T extends object>(
  where: string,
  options: Partial<T> | undefined,
  defaults: T,
): T {
  const merged = { ...defaults } as Record<string, unknown>;
  if (options === undefined || options === null) return merged as T;
  if (typeof options !== 'object') fail(where, `options must be an object, got ${typeof options}`);
  const valid = Object.keys(defaults);
  for (const [key, value] of Object.entries(options)) {
    if (!valid.includes(key)) {
      fail(where, `unknown option '${key}'; valid options are ${valid.join(', ')}`);
    }
    if (value === undefined) continue;
    const def = (defaults as Record<string, unknown>)[key];
    if (typeof def === 'number' || typeof def === 'boolean') {
      if (typeof value !== typeof def || (typeof value === 'number' && Number.isNaN(value))) {
        fail(where, `option '${key}' must be a ${typeof def}, got ${JSON.stringify(value)}`);
      }
    }
    merged[key] = value;
  }
  return merged as T;
}

/** Checks that `value` is one of `allowed`, naming the option. */
export function checkChoice<T extends string>(
  where: string,
  arg: string,
  value: T,
  allowed: readonly T[],
): void {
  if (!allowed.includes(value)) {
    fail(where, `option '${arg}' is ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
  }
}

/** Checks that a number option lies in `[lo, hi]` (or `(lo, hi]` with `openLow`). */
export function checkNumber(
  where: string,
  arg: string,
  v: number,
  lo: number,
  hi: number,
  openLow = false,
): void {
  const ok = Number.isFinite(v) && (openLow ? v > lo : v >= lo) && v <= hi;
  if (!ok) fail(where, `option '${arg}' is ${v}; expected a number in ${openLow ? '(' : '['}${lo}, ${hi}]`);
}

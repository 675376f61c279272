import { fail } from '../../core/errors.js';
import { checkNumber } from '../../core/validate.js';

/**
 * Checks a `classWeights` option: `null` (no weighting) or an array of `c` finite numbers `>= 0`.
 * Shared by every loss that weights classes (cross-entropy, focal).
 *
 * @example
 * ```ts
 * checkClassWeights('crossentropy', [1, 2, 2], 3); // ok
 * checkClassWeights('crossentropy', [1, 2], 3);    // throws: ... has 2 entries; expected 3 (one per class)
 * ```
 */
export function checkClassWeights(where: string, weights: unknown, c: number): void {
  if (weights === null) return;
  if (!Array.isArray(weights)) {
    fail(where, `option 'classWeights' must be null or an array of ${c} numbers, got ${typeof weights}`);
  }
  if (weights.length !== c) {
    fail(where, `option 'classWeights' has ${weights.length} entries; expected ${c} (one per class)`);
  }
  weights.forEach((w, k) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      fail(where, `option 'classWeights' has ${String(w)} at index ${k}; expected finite numbers >= 0`);
    }
  });
}

/** Checks a `labelSmoothing` option: a number in `[0, 1)`. */
export function checkLabelSmoothing(where: string, ls: number): void {
  checkNumber(where, 'labelSmoothing', ls, 0, 1);
  if (ls === 1) fail(where, `option 'labelSmoothing' is 1; expected a number in [0, 1)`);
}

/**
 * The effective cross-entropy targets and the per-pixel mean weights (typed arrays), with `C` classes:
 *
 *   `y'_ic = w_c * (y_ic (1 - ls) + ls / C)`  (the targets the loss multiplies `-log p` by),
 *   `d_i = sum_c w_c y_ic`                     (PyTorch's weighted-mean denominator, unsmoothed targets).
 *
 * `w_c = 1` without class weights. Returns `denom` only when class weights are given (otherwise the
 * mean divides by the pixel count).
 */
export function weightedTargetsReference(
  y: Float32Array,
  c: number,
  classWeights: readonly number[] | null,
  labelSmoothing: number,
): { targets: Float32Array; denom: Float32Array | undefined } {
  const pixels = y.length / c;
  const targets = new Float32Array(y.length);
  const denom = classWeights === null ? undefined : new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    let d = 0;
    for (let k = 0; k < c; k++) {
      const w = classWeights === null ? 1 : classWeights[k];
      const yk = y[i * c + k];
      targets[i * c + k] = w * (yk * (1 - labelSmoothing) + labelSmoothing / c);
      d += w * yk;
    }
    if (denom !== undefined) denom[i] = d;
  }
  return { targets, denom };
}

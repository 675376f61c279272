/** Array helpers shared by the tests: deterministic inputs and elementwise comparison. */
import assert from 'node:assert/strict';

/** Options of {@link lcgValues}. */
export interface LcgOptions {
  readonly scale?: number;
  readonly shift?: number;
  /** Round to multiples of `1 / levels` (creates ties, e.g. for max-pooling); 0 = no rounding. */
  readonly levels?: number;
}

/**
 * `n` deterministic values `u * scale + shift` with `u` in [-1, 1) from a linear congruential generator
 * (Numerical Recipes' constants), optionally rounded to create ties.
 */
export function lcgValues(n: number, seed: number, options: LcgOptions = {}): Float32Array {
  const { scale = 1, shift = 0, levels = 0 } = options;
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 31 - 1;
    out[i] = (levels > 0 ? Math.round(u * levels) / levels : u) * scale + shift;
  }
  return out;
}

/** Asserts two flat arrays agree elementwise: `|a - e| <= tol * max(1, |e|)`. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i]));
    assert.ok(ok, `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
  }
}

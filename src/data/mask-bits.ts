import { fail } from '../core/errors.js';
import type { DatasetMode } from './classes.js';

/**
 * Turns the grey values of a mask PNG into segloss' in-memory mask of `mode` (in place), checking them:
 * - `multiclass`: class index `v < C`, or 255 = ignore (unchanged);
 * - `binary`: 0 → 0 (negative), 1 or 255 → 1 (positive); there is no ignore value in the file;
 * - `multilabel`: a bitmask `v < 2^C` (bit c = class c), or 255 = ignore (unchanged).
 *
 * In memory a binary mask is the one-class bitmask (0 or 1), and 255 means ignore for every mode (crop
 * padding writes 255).
 *
 * @example
 * ```ts
 * maskFromPng('readDataset: m.png', Uint8Array.of(0, 255, 1), 1, 'binary'); // Uint8Array [0, 1, 1]
 * maskFromPng('readDataset: m.png', Uint8Array.of(3, 255), 2, 'multilabel'); // Uint8Array [3, 255]
 * ```
 * @throws SeglossError `segloss: <where>: mask has value v at pixel p; expected ...`
 */
export function maskFromPng(where: string, px: Uint8Array, c: number, mode: DatasetMode): Uint8Array {
  const limit = mode === 'multiclass' ? c : mode === 'binary' ? 2 : 2 ** c;
  for (let p = 0; p < px.length; p++) {
    const v = px[p];
    if (v === 255) {
      if (mode === 'binary') px[p] = 1;
      continue;
    }
    if (v >= limit) {
      const expected =
        mode === 'multiclass'
          ? `a class in [0, ${c}) or 255`
          : mode === 'binary'
            ? '0 (negative), 1 or 255 (positive)'
            : `a bitmask of ${c} class(es) in [0, ${limit}) or 255 (ignore)`;
      fail(where, `mask has value ${v} at pixel ${p}; expected ${expected}`);
    }
  }
  return px;
}

/**
 * Packs multi-hot rows `[P, C]` (0/1, C ≤ 7) into a bitmask `[P]`: `m_p = sum_c y_pc 2^c`; a pixel
 * whose `ignore` entry is 1 becomes 255.
 *
 * @example
 * ```ts
 * encodeBitmask(Float32Array.of(1, 0, 1, 1, 0, 0), 2); // Uint8Array [1, 3, 0]
 * ```
 */
export function encodeBitmask(
  multiHot: ArrayLike<number>,
  c: number,
  ignore: ArrayLike<number> | null = null,
): Uint8Array {
  if (c < 1 || c > 7) fail('encodeBitmask', `has ${c} classes; expected 1 to 7`);
  const n = multiHot.length / c;
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    if (ignore !== null && ignore[p] === 1) {
      out[p] = 255;
      continue;
    }
    let m = 0;
    for (let k = 0; k < c; k++) if (multiHot[p * c + k] > 0) m |= 1 << k;
    out[p] = m;
  }
  return out;
}

/**
 * Writes the training targets of one in-memory bitmask (see {@link maskFromPng}; 255 = ignore) into
 * batch buffers from pixel `offset`: multi-hot rows `y[.., c] = (m >> c) & 1` (all zeros where
 * ignored) and 1 into `ignore` at ignored pixels. Returns the number of ignored pixels.
 *
 * @example
 * ```ts
 * const y = new Float32Array(3 * 2), ignore = new Float32Array(3);
 * bitmaskToTargets(Uint8Array.of(3, 255, 2), 2, y, ignore, 0); // 1; y = [1,1, 0,0, 0,1], ignore = [0,1,0]
 * ```
 */
export function bitmaskToTargets(
  mask: Uint8Array,
  c: number,
  y: Float32Array,
  ignore: Float32Array,
  offset: number,
): number {
  let ignored = 0;
  for (let q = 0; q < mask.length; q++) {
    const v = mask[q];
    if (v === 255) {
      ignore[offset + q] = 1;
      ignored++;
      continue;
    }
    const base = (offset + q) * c;
    for (let k = 0; k < c; k++) y[base + k] = (v >> k) & 1;
  }
  return ignored;
}

import type { Rgb } from '../report/image.js';

/**
 * Blends a class map over an image: each pixel of class `k >= 1` becomes
 * `(1 - alpha) * image + alpha * palette[k]`; background (class 0) pixels keep the image.
 *
 * Shapes: `image` `[H*W*ch]` in [0, 1] (ch = 1 grey or 3 RGB), `labels` `[H*W]`; returns RGB bytes `[H*W*3]`.
 *
 * @example
 * ```ts
 * overlay(Float32Array.of(1, 0), 1, Uint8Array.of(0, 1), [[0, 0, 0], [255, 0, 0]], 0.5); // [255,255,255, 128,0,0]
 * ```
 */
export function overlay(
  image: Float32Array,
  channels: 1 | 3,
  labels: ArrayLike<number>,
  palette: readonly Rgb[],
  alpha: number,
): Uint8Array {
  const out = new Uint8Array(labels.length * 3);
  for (let p = 0; p < labels.length; p++) {
    const k = labels[p];
    for (let j = 0; j < 3; j++) {
      const v = 255 * image[p * channels + (channels === 1 ? 0 : j)];
      out[3 * p + j] = Math.round(k === 0 ? v : (1 - alpha) * v + alpha * palette[k][j]);
    }
  }
  return out;
}

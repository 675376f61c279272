/**
 * RGBA pixels of the lab's canvases (`ImageData` layout, `[H*W*4]` bytes): label maps in the class
 * palette, probabilities as palette mixtures, loss maps in viridis on a given scale, and prediction
 * overlays on grey images. Pure functions of typed arrays.
 */
import { classPalette, viridis } from '../report/colors.js';
import type { Rgb } from '../report/image.js';
import { overlay } from '../train/overlay.js';

const rgba = (rgb: ArrayLike<number>, pixels: number): Uint8ClampedArray => {
  const out = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    out[4 * p] = rgb[3 * p];
    out[4 * p + 1] = rgb[3 * p + 1];
    out[4 * p + 2] = rgb[3 * p + 2];
    out[4 * p + 3] = 255;
  }
  return out;
};

/** Image `i` (`pixels` = H*W) of `[N*H*W]` class labels in the palette of `numClasses` classes. */
export function labelsRgba(
  labels: ArrayLike<number>,
  i: number,
  pixels: number,
  numClasses: number,
): Uint8ClampedArray {
  const palette = classPalette(numClasses);
  const out = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    const c = palette[labels[i * pixels + p]] ?? [0, 0, 0];
    out.set([c[0], c[1], c[2], 255], 4 * p);
  }
  return out;
}

/**
 * Image `i` of `[N*H*W*C]` class probabilities: each pixel the palette colours weighted by the
 * probabilities, `Σ_c p_c · palette[c]`.
 */
export function probabilitiesRgba(
  probs: ArrayLike<number>,
  i: number,
  pixels: number,
  numClasses: number,
): Uint8ClampedArray {
  const palette = classPalette(numClasses);
  const rgb = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < numClasses; c++) {
      const w = probs[(i * pixels + p) * numClasses + c];
      for (let j = 0; j < 3; j++) rgb[3 * p + j] += w * palette[c][j];
    }
  }
  return rgba(rgb, pixels);
}

/** Image `i` of a `[N*H*W]` loss map in viridis, `0 → dark`, `max → yellow` (one scale for all maps). */
export function heatRgba(map: ArrayLike<number>, i: number, pixels: number, max: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    const c: Rgb = viridis(max > 0 ? map[i * pixels + p] / max : 0);
    out.set([c[0], c[1], c[2], 255], 4 * p);
  }
  return out;
}

/** Image `i` of grey images `[N*H*W]` with predicted classes `[N*H*W]` blended over it (alpha 0.5). */
export function overlayRgba(
  images: Float32Array,
  labels: ArrayLike<number>,
  i: number,
  pixels: number,
  numClasses: number,
): Uint8ClampedArray {
  const rgb = overlay(
    images.subarray(i * pixels, (i + 1) * pixels),
    1,
    Array.from({ length: pixels }, (_, p) => labels[i * pixels + p]),
    classPalette(numClasses),
    0.5,
  );
  return rgba(rgb, pixels);
}

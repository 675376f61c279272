import { fail } from '../core/errors.js';
import type { Rgb } from './image.js';

/** Colour of ignored pixels (label 255): the light border colour of Pascal VOC masks. */
export const IGNORE_COLOR: Rgb = [224, 224, 192];

import { vocColor } from '../data/voc-palette.js';

export { vocColor };

/** Small-palette colours: dark background, then Okabe–Ito orange, sky blue and bluish green. */
const SMALL: readonly Rgb[] = [
  [32, 32, 40],
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
];

/**
 * A colour per class: for up to 4 classes a dark background and three colour-blind-safe colours
 * (Okabe & Ito 2008); for more, the Pascal VOC palette ({@link vocColor}).
 */
export function classPalette(numClasses: number): Rgb[] {
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 255) {
    fail('classPalette', `numClasses is ${numClasses}; expected an integer in [1, 255]`);
  }
  return Array.from({ length: numClasses }, (_, i) => (numClasses <= 4 ? SMALL[i] : vocColor(i)));
}

/**
 * Colours a label map: `labels[p]` → `palette[labels[p]]`, 255 → {@link IGNORE_COLOR}. Returns RGB
 * bytes `[P*3]`. Labels must be integers in `[0, palette.length)` or 255.
 */
export function labelsToRgb(labels: ArrayLike<number>, palette: readonly Rgb[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3);
  for (let p = 0; p < labels.length; p++) {
    const v = labels[p];
    const color = v === 255 ? IGNORE_COLOR : palette[v];
    if (color === undefined) {
      fail(
        'labelsToRgb',
        `labels has ${v} at flat index ${p}; expected an integer in [0, ${palette.length}) or 255`,
      );
    }
    out.set(color, 3 * p);
  }
  return out;
}

/**
 * Viridis at 9 evenly spaced control points (0, 1/8, ..., 1), sampled from matplotlib's viridis
 * (van der Walt & Smith, 2015); interpolated linearly in between.
 */
export const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 145, 140],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** The viridis colour of `t` ∈ [0, 1] (clamped; NaN → black). */
export function viridis(t: number): Rgb {
  if (Number.isNaN(t)) return [0, 0, 0];
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - k;
  const a = VIRIDIS[k];
  const b = VIRIDIS[k + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c]))) as unknown as Rgb;
}

/**
 * Colours values with viridis: `t = (v - min) / (max - min)`, clamped to [0, 1]; NaN → black.
 * `min`/`max` default to the finite range of `values` (a constant map is drawn at t = 0).
 * Returns RGB bytes `[P*3]`.
 */
export function heatmapToRgb(
  values: ArrayLike<number>,
  range: { min?: number; max?: number } = {},
): Uint8Array {
  const { min, max } = { ...finiteRange(values), ...range };
  if (!(max >= min)) fail('heatmapToRgb', `range is [${min}, ${max}]; expected min <= max`);
  const out = new Uint8Array(values.length * 3);
  const span = max - min;
  for (let p = 0; p < values.length; p++) out.set(viridis(span > 0 ? (values[p] - min) / span : 0), 3 * p);
  return out;
}

/** Smallest and largest finite value (0, 0 when there is none). */
export function finiteRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min > max ? { min: 0, max: 0 } : { min, max };
}

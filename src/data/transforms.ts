import { fail } from '../core/errors.js';
import type { Random } from '../synth/random.js';

/**
 * Training transforms of a run, applied per item in this order: rescale, horizontal flip, crop.
 * All are seeded (see `BatchStream`), so a resumed run draws the same ones.
 */
export interface AugmentConfig {
  /** Random `crop x crop` window; an image smaller than it is placed at a random offset, padded with ignore. */
  readonly crop: number | null;
  /** Random rescale by a factor uniform in `[lo, hi]` before the crop (images bilinear, masks nearest). */
  readonly scale: readonly [number, number] | null;
  /** Horizontal flip with probability 1/2. */
  readonly flip: boolean;
}

/** Per-channel normalisation `x' = (x - mean[k]) / std[k]` of images in [0, 1]. */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** An image `[H*W*ch]` and its mask `[H*W]` (255 = ignore). */
export interface ImageMask {
  readonly height: number;
  readonly width: number;
  readonly image: Float32Array;
  readonly mask: Uint8Array;
}

/**
 * Bilinear resize of a channels-last image with half-pixel centres (source coordinate
 * `(dst + 0.5) * in / out - 0.5`, clamped to the edge), as `tf.image.resizeBilinear` with
 * `halfPixelCenters: true`; only the output window of `rh x rw` pixels at `(y0, x0)` is computed
 * (default the whole `oh x ow` output).
 */
export function resizeBilinear(
  src: Float32Array,
  h: number,
  w: number,
  ch: number,
  oh: number,
  ow: number,
  y0 = 0,
  x0 = 0,
  rh = oh,
  rw = ow,
): Float32Array {
  const out = new Float32Array(rh * rw * ch);
  for (let yy = 0; yy < rh; yy++) {
    const fy = Math.min(Math.max(((y0 + yy + 0.5) * h) / oh - 0.5, 0), h - 1);
    const ya = Math.floor(fy);
    const yb = Math.min(ya + 1, h - 1);
    const dy = fy - ya;
    for (let xx = 0; xx < rw; xx++) {
      const fx = Math.min(Math.max(((x0 + xx + 0.5) * w) / ow - 0.5, 0), w - 1);
      const xa = Math.floor(fx);
      const xb = Math.min(xa + 1, w - 1);
      const dx = fx - xa;
      for (let k = 0; k < ch; k++) {
        const a = src[(ya * w + xa) * ch + k];
        const b = src[(ya * w + xb) * ch + k];
        const c = src[(yb * w + xa) * ch + k];
        const d = src[(yb * w + xb) * ch + k];
        out[(yy * rw + xx) * ch + k] = (a * (1 - dx) + b * dx) * (1 - dy) + (c * (1 - dx) + d * dx) * dy;
      }
    }
  }
  return out;
}

/**
 * Nearest-neighbour resize of a mask: source pixel `floor((dst + 0.5) * in / out)` (no new labels);
 * only the output window `rh x rw` at `(y0, x0)` (default the whole output).
 */
export function resizeNearest(
  src: Uint8Array,
  h: number,
  w: number,
  oh: number,
  ow: number,
  y0 = 0,
  x0 = 0,
  rh = oh,
  rw = ow,
): Uint8Array {
  const out = new Uint8Array(rh * rw);
  for (let yy = 0; yy < rh; yy++) {
    const sy = Math.min(Math.floor(((y0 + yy + 0.5) * h) / oh), h - 1);
    for (let xx = 0; xx < rw; xx++) {
      out[yy * rw + xx] = src[sy * w + Math.min(Math.floor(((x0 + xx + 0.5) * w) / ow), w - 1)];
    }
  }
  return out;
}

/** Mirrors an image `[h*w*ch]` and its mask left to right. */
function flipHorizontal(image: Float32Array, mask: Uint8Array, h: number, w: number, ch: number) {
  const fi = new Float32Array(image.length);
  const fm = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = y * w + (w - 1 - x);
      fm[y * w + x] = mask[s];
      for (let k = 0; k < ch; k++) fi[(y * w + x) * ch + k] = image[s * ch + k];
    }
  }
  return { image: fi, mask: fm };
}

/**
 * Applies the transforms of `config` to one item with four draws from `rng` (always four, so the
 * stream stays aligned whatever is switched on): scale factor, flip, crop row, crop column. The item
 * is rescaled to `round(h s) x round(w s)`, mirrored, then cropped: along an axis longer than the
 * crop the window starts at `floor(u * (size - crop + 1))`; along a shorter one the image starts at
 * `floor(u * (crop - size + 1))` inside the window, the rest is image 0 and mask 255 (ignored by the
 * losses). Only the pixels inside the window are resampled (a window of the mirrored image is the
 * mirror of the window at `size - start - width`), so the cost is that of the crop, not the image.
 *
 * @example
 * ```ts
 * augmentItem(item, { crop: 128, scale: [0.5, 2], flip: true }, 1, new Random(0)); // 128x128
 * ```
 */
export function augmentItem(item: ImageMask, config: AugmentConfig, ch: number, rng: Random): ImageMask {
  const us = rng.uniform();
  const uf = rng.uniform();
  const uy = rng.uniform();
  const ux = rng.uniform();
  const { height: h, width: w } = item;
  let [oh, ow] = [h, w];
  if (config.scale !== null) {
    const [lo, hi] = config.scale;
    const s = lo + (hi - lo) * us;
    [oh, ow] = [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))];
  }
  const flip = config.flip && uf < 0.5;
  const c = config.crop;
  // window in the scaled, mirrored image (src offset) and its place in the crop (dst offset)
  const rows = c === null ? oh : Math.min(oh, c);
  const cols = c === null ? ow : Math.min(ow, c);
  const sy = c !== null && oh >= c ? Math.floor(uy * (oh - c + 1)) : 0;
  const dy = c !== null && oh < c ? Math.floor(uy * (c - oh + 1)) : 0;
  const sx = c !== null && ow >= c ? Math.floor(ux * (ow - c + 1)) : 0;
  const dx = c !== null && ow < c ? Math.floor(ux * (c - ow + 1)) : 0;
  const x0 = flip ? ow - sx - cols : sx;
  let image: Float32Array;
  let mask: Uint8Array;
  if (oh === h && ow === w) {
    image = new Float32Array(rows * cols * ch);
    mask = new Uint8Array(rows * cols);
    for (let y = 0; y < rows; y++) {
      const src = (sy + y) * w + x0;
      mask.set(item.mask.subarray(src, src + cols), y * cols);
      image.set(item.image.subarray(src * ch, (src + cols) * ch), y * cols * ch);
    }
  } else {
    image = resizeBilinear(item.image, h, w, ch, oh, ow, sy, x0, rows, cols);
    mask = resizeNearest(item.mask, h, w, oh, ow, sy, x0, rows, cols);
  }
  if (flip) ({ image, mask } = flipHorizontal(image, mask, rows, cols, ch));
  if (c === null) return { height: rows, width: cols, image, mask };
  const ci = new Float32Array(c * c * ch);
  const cm = new Uint8Array(c * c).fill(255);
  for (let y = 0; y < rows; y++) {
    const dst = (dy + y) * c + dx;
    cm.set(mask.subarray(y * cols, (y + 1) * cols), dst);
    ci.set(image.subarray(y * cols * ch, (y + 1) * cols * ch), dst * ch);
  }
  return { height: c, width: c, image: ci, mask: cm };
}

/** Normalises `image` in place per channel (see {@link Normalization}). */
export function normalizeImage(image: Float32Array, ch: number, n: Normalization): Float32Array {
  if (n.mean.length !== ch || n.std.length !== ch || n.std.some((s) => !(s > 0))) {
    fail(
      'normalizeImage',
      `mean/std have ${n.mean.length}/${n.std.length} values; expected ${ch} each, std > 0`,
    );
  }
  for (let i = 0; i < image.length; i++) image[i] = (image[i] - n.mean[i % ch]) / n.std[i % ch];
  return image;
}

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
 * `halfPixelCenters: true`.
 */
export function resizeBilinear(
  src: Float32Array,
  h: number,
  w: number,
  ch: number,
  oh: number,
  ow: number,
): Float32Array {
  const out = new Float32Array(oh * ow * ch);
  for (let y = 0; y < oh; y++) {
    const fy = Math.min(Math.max(((y + 0.5) * h) / oh - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const dy = fy - y0;
    for (let x = 0; x < ow; x++) {
      const fx = Math.min(Math.max(((x + 0.5) * w) / ow - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const dx = fx - x0;
      for (let k = 0; k < ch; k++) {
        const a = src[(y0 * w + x0) * ch + k];
        const b = src[(y0 * w + x1) * ch + k];
        const c = src[(y1 * w + x0) * ch + k];
        const d = src[(y1 * w + x1) * ch + k];
        out[(y * ow + x) * ch + k] = (a * (1 - dx) + b * dx) * (1 - dy) + (c * (1 - dx) + d * dx) * dy;
      }
    }
  }
  return out;
}

/** Nearest-neighbour resize of a mask: source pixel `floor((dst + 0.5) * in / out)` (no new labels). */
export function resizeNearest(src: Uint8Array, h: number, w: number, oh: number, ow: number): Uint8Array {
  const out = new Uint8Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const sy = Math.min(Math.floor(((y + 0.5) * h) / oh), h - 1);
    for (let x = 0; x < ow; x++)
      out[y * ow + x] = src[sy * w + Math.min(Math.floor(((x + 0.5) * w) / ow), w - 1)];
  }
  return out;
}

/**
 * Applies the transforms of `config` to one item with four draws from `rng` (always four, so the
 * stream stays aligned whatever is switched on): scale factor, flip, crop row, crop column. Along an
 * axis longer than the crop the window starts at `floor(u * (size - crop + 1))`; along a shorter one
 * the image starts at `floor(u * (crop - size + 1))` inside the window, the rest is image 0 and mask
 * 255 (ignored by the losses).
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
  let { height: h, width: w, image, mask } = item;
  if (config.scale !== null) {
    const [lo, hi] = config.scale;
    const s = lo + (hi - lo) * us;
    const oh = Math.max(1, Math.round(h * s));
    const ow = Math.max(1, Math.round(w * s));
    image = resizeBilinear(image, h, w, ch, oh, ow);
    mask = resizeNearest(mask, h, w, oh, ow);
    [h, w] = [oh, ow];
  }
  if (config.flip && uf < 0.5) {
    const fi = new Float32Array(image.length);
    const fm = new Uint8Array(mask.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const s = y * w + (w - 1 - x);
        fm[y * w + x] = mask[s];
        for (let k = 0; k < ch; k++) fi[(y * w + x) * ch + k] = image[s * ch + k];
      }
    }
    [image, mask] = [fi, fm];
  }
  if (config.crop === null) return { height: h, width: w, image, mask };
  const c = config.crop;
  // src offset (crop start, >= 0) or dst offset (padding start) along each axis
  const sy = h >= c ? Math.floor(uy * (h - c + 1)) : 0;
  const dy = h >= c ? 0 : Math.floor(uy * (c - h + 1));
  const sx = w >= c ? Math.floor(ux * (w - c + 1)) : 0;
  const dx = w >= c ? 0 : Math.floor(ux * (c - w + 1));
  const ci = new Float32Array(c * c * ch);
  const cm = new Uint8Array(c * c).fill(255);
  const rows = Math.min(h, c);
  const cols = Math.min(w, c);
  for (let y = 0; y < rows; y++) {
    const srcRow = (sy + y) * w + sx;
    const dstRow = (dy + y) * c + dx;
    cm.set(mask.subarray(srcRow, srcRow + cols), dstRow);
    ci.set(image.subarray(srcRow * ch, (srcRow + cols) * ch), dstRow * ch);
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

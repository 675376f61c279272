import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import type { LoadedItem } from './dataset.js';
import { maskToTargets } from './targets.js';
import { normalizeImage, type ImageMask, type Normalization } from './transforms.js';

/** A training batch as typed arrays, ready for `tf.tensor`. */
export interface TrainBatch {
  /** `[B, H, W, ch]`. */
  readonly x: NdArray;
  /** `[B, H, W, C]` one-hot; zero at ignored pixels. */
  readonly y: NdArray;
  /** `[B, C]` 0/1. */
  readonly annotated: NdArray;
  /** `[B, H, W]` 1 = ignore, or null when no pixel is ignored. */
  readonly ignore: NdArray | null;
  /** `[B*H*W]` class indices (255 = ignore), for metrics. */
  readonly labels: Uint8Array;
}

/**
 * Assembles items of one size into a {@link TrainBatch} (images normalised when `normalize` is given).
 *
 * @throws SeglossError when the items differ in size (train with a crop to mix sizes).
 */
export function makeBatch(
  items: readonly (ImageMask & Pick<LoadedItem, 'annotated'>)[],
  numClasses: number,
  channels: number,
  normalize: Normalization | null = null,
): TrainBatch {
  const b = items.length;
  const { height: h, width: w } = items[0];
  const c = numClasses;
  const ch = channels;
  const p = h * w;
  const x = new Float32Array(b * p * ch);
  const y = new Float32Array(b * p * c);
  const annotated = new Float32Array(b * c);
  const ignore = new Float32Array(b * p);
  const labels = new Uint8Array(b * p);
  let ignored = 0;
  items.forEach((it, k) => {
    if (it.height !== h || it.width !== w) {
      fail(
        'makeBatch',
        `item ${k} is ${it.width}x${it.height} but item 0 is ${w}x${h}; expected one size (train with a crop)`,
      );
    }
    x.set(it.image, k * p * ch);
    labels.set(it.mask, k * p);
    annotated.set(it.annotated, k * c);
    ignored += maskToTargets(it.mask, c, y, ignore, k * p);
  });
  if (normalize !== null) normalizeImage(x, ch, normalize);
  return {
    x: { data: x, shape: [b, h, w, ch] },
    y: { data: y, shape: [b, h, w, c] },
    annotated: { data: annotated, shape: [b, c] },
    ignore: ignored > 0 ? { data: ignore, shape: [b, h, w] } : null,
    labels,
  };
}

import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import type { DatasetMode } from './classes.js';
import type { LoadedItem } from './dataset.js';
import { bitmaskToTargets } from './mask-bits.js';
import { maskToTargets } from './targets.js';
import { normalizeImage, type ImageMask, type Normalization } from './transforms.js';

/** A training batch as typed arrays, ready for `tf.tensor`. */
export interface TrainBatch {
  /** `[B, H, W, ch]`. */
  readonly x: NdArray;
  /** `[B, H, W, C]` one-hot (multiclass) or multi-hot (binary, multi-label: no background channel); zero at ignored pixels. */
  readonly y: NdArray;
  /** `[B, C]` 0/1. */
  readonly annotated: NdArray;
  /** `[B, H, W]` 1 = ignore, or null when no pixel is ignored. */
  readonly ignore: NdArray | null;
  /**
   * `[B*H*W]` the items' masks (255 = ignore), for metrics: class indices in multiclass mode, bitmasks
   * in binary and multi-label mode (the metrics of those modes read `y`).
   */
  readonly labels: Uint8Array;
}

/**
 * Assembles items of one size into a {@link TrainBatch} (images normalised when `normalize` is given).
 * `mode` says what the masks hold: class indices (`multiclass`, one-hot `y`) or bitmasks (`binary`,
 * `multilabel`, multi-hot `y` with `y[.., c] = (mask >> c) & 1`).
 *
 * @example
 * ```ts
 * // one 1x2 item, two classes, bitmasks [3, 2]: y = [1,1, 0,1]
 * makeBatch([{ height: 1, width: 2, image: new Float32Array(2), mask: Uint8Array.of(3, 2), annotated: Uint8Array.of(1, 1) }], 2, 1, null, 'multilabel');
 * ```
 *
 * @throws SeglossError when the items differ in size (train with a crop to mix sizes).
 */
export function makeBatch(
  items: readonly (ImageMask & Pick<LoadedItem, 'annotated'>)[],
  numClasses: number,
  channels: number,
  normalize: Normalization | null = null,
  mode: DatasetMode = 'multiclass',
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
    ignored +=
      mode === 'multiclass'
        ? maskToTargets(it.mask, c, y, ignore, k * p)
        : bitmaskToTargets(it.mask, c, y, ignore, k * p);
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

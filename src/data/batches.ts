import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { loadItem, type PngDataset } from './png-dataset.js';
import { Random } from '../synth/random.js';
import { maskToTargets } from './targets.js';

/** A training batch: images, one-hot labels, annotated classes and the ignore mask. */
export interface Batch {
  /** `[B, H, W, ch]` in [0, 1]. */
  readonly x: NdArray;
  /** `[B, H, W, C]` one-hot; all zeros at ignored pixels. */
  readonly y: NdArray;
  /** `[B, C]` 1 where the image's labels cover the class. */
  readonly annotated: NdArray;
  /** `[B, H, W]` 1 at pixels labelled 255 (ignore). */
  readonly ignore: NdArray;
  /** Item names, in batch order. */
  readonly names: readonly string[];
}

/** Options of {@link batches}. */
export interface BatchOptions {
  readonly batchSize: number;
  /** Shuffle the items (seeded); default false. */
  readonly shuffle?: boolean;
  /** Seed of shuffling and flips (default 0); combine with `epoch` for a new order each epoch. */
  readonly seed?: number;
  readonly epoch?: number;
  /** Random flips, each with probability 1/2: `true` = both axes. Default none. */
  readonly flip?: boolean | 'horizontal' | 'vertical';
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
}

/**
 * Streams batches of a dataset, decoding only the items of the current batch. The order (when
 * shuffled) and the flips depend only on `seed` and `epoch`.
 *
 * @example
 * ```ts
 * for (const b of batches(openDataset('data', { split: 'train' }), { batchSize: 8, shuffle: true, seed: 1 })) {
 *   // b.x [8,H,W,ch], b.y [8,H,W,C], b.annotated [8,C], b.ignore [8,H,W]
 * }
 * ```
 */
export function* batches(dataset: PngDataset, options: BatchOptions): Generator<Batch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    fail('batches', `batchSize is ${batchSize}; expected a positive integer`);
  const rng = new Random(((options.seed ?? 0) * 0x9e3779b1 + (options.epoch ?? 0)) >>> 0);
  const n = dataset.items.length;
  const identity = Array.from({ length: n }, (_, i) => i);
  const order = options.shuffle ? rng.shuffle(identity) : identity;
  const flipH = options.flip === true || options.flip === 'horizontal';
  const flipV = options.flip === true || options.flip === 'vertical';
  const [h, w] = dataset.size;
  const ch = dataset.channels;
  const c = dataset.classes.length;
  for (let start = 0; start < n; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    if (options.dropLast && idx.length < batchSize) return;
    const b = idx.length;
    const x = new Float32Array(b * h * w * ch);
    const y = new Float32Array(b * h * w * c);
    const annotated = new Float32Array(b * c);
    const ignore = new Float32Array(b * h * w);
    idx.forEach((itemIndex, k) => {
      const item = loadItem(dataset, dataset.items[itemIndex]);
      const fh = flipH && rng.uniform() < 0.5;
      const fv = flipV && rng.uniform() < 0.5;
      const mask = new Uint8Array(h * w);
      for (let r = 0; r < h; r++) {
        for (let q = 0; q < w; q++) {
          const src = (fv ? h - 1 - r : r) * w + (fh ? w - 1 - q : q);
          const dst = r * w + q;
          for (let j = 0; j < ch; j++) x[(k * h * w + dst) * ch + j] = item.image[src * ch + j];
          mask[dst] = item.mask[src];
        }
      }
      maskToTargets(mask, c, y, ignore, k * h * w);
      annotated.set(item.annotated, k * c);
    });
    yield {
      x: { data: x, shape: [b, h, w, ch] },
      y: { data: y, shape: [b, h, w, c] },
      annotated: { data: annotated, shape: [b, c] },
      ignore: { data: ignore, shape: [b, h, w] },
      names: idx.map((i) => dataset.items[i].name),
    };
  }
}

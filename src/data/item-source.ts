import type { NdArray } from '../core/ndarray.js';
import type { DatasetMode } from './classes.js';
import { loadItem, type Dataset, type LoadedItem } from './dataset.js';

/**
 * Indexed items of one split: what training, validation, evaluation and `inspect` read. Items may
 * differ in size; `size(i)` is known without decoding. Dataset items are decoded on every `item(i)`
 * call and not cached, so memory does not grow with the dataset (the batch stream holds at most two
 * batches); synthetic splits live in memory already.
 */
export interface ItemSource {
  readonly n: number;
  readonly channels: 1 | 3;
  readonly classNames: readonly string[];
  /** What the masks hold (see `DatasetMode`); undefined = `multiclass`. */
  readonly mode?: DatasetMode;
  /** `[H, W]` of item `i`. */
  size(i: number): readonly [number, number];
  /** Image `[H*W*ch]` in [0, 1], mask `[H*W]` (255 = ignore), annotated classes `[C]` 0/1. */
  item(i: number): Promise<LoadedItem>;
  /** The item's name (file name, or index for arrays). */
  name(i: number): string;
}

/** Images `[N,H,W,ch]`, labels `[N,H,W]` (255 = ignore) and annotated classes `[N,C]`, in memory. */
export interface ArraySplit {
  readonly images: NdArray;
  readonly labels: { readonly data: Uint8Array; readonly shape: readonly [number, number, number] };
  readonly annotated: NdArray;
}

/** An {@link ItemSource} over in-memory arrays (a synthetic split); labels are bitmasks unless `mode` is multiclass. */
export function arraySource(
  split: ArraySplit,
  classNames: readonly string[],
  mode: DatasetMode = 'multiclass',
): ItemSource {
  const [n, h, w, ch] = split.images.shape;
  const c = classNames.length;
  const p = h * w;
  return {
    n,
    channels: ch as 1 | 3,
    classNames,
    mode,
    size: () => [h, w],
    name: (i) => String(i),
    item: async (i) => ({
      height: h,
      width: w,
      image: split.images.data.subarray(i * p * ch, (i + 1) * p * ch),
      mask: split.labels.data.subarray(i * p, (i + 1) * p),
      annotated: Uint8Array.from(split.annotated.data.subarray(i * c, (i + 1) * c)),
    }),
  };
}

/** An {@link ItemSource} over an opened dataset, images converted to `channels` (default the dataset's). */
export function datasetSource(dataset: Dataset, channels: 1 | 3 = dataset.channels): ItemSource {
  return {
    n: dataset.items.length,
    channels,
    classNames: dataset.classes.map((k) => k.name),
    mode: dataset.mode,
    size: (i) => [dataset.items[i].height, dataset.items[i].width],
    name: (i) => dataset.items[i].name,
    item: (i) => loadItem(dataset, dataset.items[i], channels),
  };
}

/** Smallest and largest height and width over a source's items. */
export function sizeRange(source: ItemSource): { minH: number; maxH: number; minW: number; maxW: number } {
  let [minH, maxH, minW, maxW] = [Infinity, 0, Infinity, 0];
  for (let i = 0; i < source.n; i++) {
    const [h, w] = source.size(i);
    [minH, maxH, minW, maxW] = [Math.min(minH, h), Math.max(maxH, h), Math.min(minW, w), Math.max(maxW, w)];
  }
  return { minH, maxH, minW, maxW };
}

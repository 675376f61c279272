import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { loadItem, openDataset, type LoadedItem, type PngDataset } from '../data/png-dataset.js';
import { Random, type RandomState } from '../synth/random.js';
import { dropAnnotationsAtRate } from '../synth/drop.js';
import { synthScenes, SCENE_CLASSES } from '../synth/scenes.js';
import type { DataConfig } from './config.js';
import { maskToTargets } from '../data/targets.js';

/** Indexed items of one split, all of one size: what training, validation and evaluation read. */
export interface ItemSource {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly classNames: readonly string[];
  /** Image `[H*W*ch]` in [0, 1], mask `[H*W]` (255 = ignore), annotated classes `[C]` 0/1. */
  item(index: number): LoadedItem;
}

/** One split of synthetic scenes: images, (possibly incomplete) labels and annotated classes. */
export interface SyntheticSplit {
  readonly images: NdArray;
  readonly labels: { readonly data: Uint8Array; readonly shape: readonly [number, number, number] };
  readonly annotated: NdArray;
}

/** Options of {@link synthSplits}. */
export interface SynthSplitOptions {
  readonly n: number;
  readonly valN: number;
  readonly testN: number;
  readonly size: number;
  readonly numClasses: number;
  readonly missingRate: number;
  readonly absentRate: number;
  readonly seed: number;
  /** Objects per kept class, uniform in `[1, maxObjects]` (default 1; see `synthScenes`). */
  readonly maxObjects?: number;
}

/**
 * Train/val/test splits of `synthScenes`: scenes with seeds `seed`, `seed + 1`, `seed + 2`; the train
 * split loses each present object's annotation with probability `missingRate`
 * (`dropAnnotationsAtRate`, seed `seed + 3`); val and test are fully annotated (`annotated` all 1).
 */
export function synthSplits(o: SynthSplitOptions): {
  train: SyntheticSplit;
  val?: SyntheticSplit;
  test?: SyntheticSplit;
} {
  const scenes = (n: number, seed: number) =>
    synthScenes({
      n,
      size: o.size,
      numClasses: o.numClasses,
      absentRate: o.absentRate,
      seed,
      maxObjects: o.maxObjects ?? 1,
    });
  const t = scenes(o.n, o.seed);
  const dropped = dropAnnotationsAtRate(t.labels, t.present, o.missingRate, o.seed + 3);
  const full = (n: number, seed: number): SyntheticSplit => {
    const s = scenes(n, seed);
    return {
      images: s.images,
      labels: s.labels,
      annotated: { data: new Float32Array(n * o.numClasses).fill(1), shape: [n, o.numClasses] },
    };
  };
  return {
    train: { images: t.images, labels: dropped.labels, annotated: dropped.annotated },
    val: o.valN > 0 ? full(o.valN, o.seed + 1) : undefined,
    test: o.testN > 0 ? full(o.testN, o.seed + 2) : undefined,
  };
}

/** An {@link ItemSource} over an in-memory synthetic split. */
export function splitSource(split: SyntheticSplit, classNames: readonly string[]): ItemSource {
  const [n, h, w, ch] = split.images.shape;
  const c = classNames.length;
  const p = h * w;
  return {
    n,
    height: h,
    width: w,
    channels: ch as 1 | 3,
    classNames,
    item: (i) => ({
      image: split.images.data.subarray(i * p * ch, (i + 1) * p * ch),
      mask: split.labels.data.subarray(i * p, (i + 1) * p),
      annotated: Uint8Array.from(split.annotated.data.subarray(i * c, (i + 1) * c)),
    }),
  };
}

/** An {@link ItemSource} over a PNG dataset; decoded items are cached (small datasets fit in memory). */
export function datasetSource(dataset: PngDataset): ItemSource {
  const cache = new Map<number, LoadedItem>();
  return {
    n: dataset.items.length,
    height: dataset.size[0],
    width: dataset.size[1],
    channels: dataset.channels,
    classNames: dataset.classes.map((k) => k.name),
    item: (i) => {
      let it = cache.get(i);
      if (it === undefined) {
        it = loadItem(dataset, dataset.items[i]);
        cache.set(i, it);
      }
      return it;
    },
  };
}

/** Opens `split` of the dataset at `dir` (`null` = the whole folder's `images/` and `masks/`). */
export function openSplit(dir: string, split: string | null): ItemSource {
  return datasetSource(openDataset(dir, split === null ? {} : { split }));
}

/**
 * The train and validation sources of a run's data config. For a dataset folder the split names are
 * chosen by {@link datasetDataConfig}.
 */
export function openSources(data: DataConfig): { train: ItemSource; val?: ItemSource } {
  if (data.kind === 'synthetic') {
    const names = SCENE_CLASSES.slice(0, data.numClasses);
    const s = synthSplits({ ...data, testN: 0 });
    return { train: splitSource(s.train, names), val: s.val && splitSource(s.val, names) };
  }
  const train = openSplit(data.dir, data.split);
  const val = data.valSplit === null ? undefined : openSplit(data.dir, data.valSplit);
  return { train, val };
}

/** A dataset data config: split `train` and `val` when the folder has them, else the whole folder. */
export function datasetDataConfig(dir: string): DataConfig {
  const abs = resolve(dir);
  if (!existsSync(abs))
    fail('train', `--data folder ${dir} not found; expected a dataset folder or 'synthetic'`);
  const has = (s: string) => existsSync(join(abs, s, 'images')) || existsSync(join(abs, `${s}.txt`));
  return {
    kind: 'dataset',
    dir: abs,
    split: has('train') ? 'train' : null,
    valSplit: has('val') ? 'val' : null,
  };
}

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

/** Assembles the items `indices` of `source` into a {@link TrainBatch}. */
export function makeBatch(source: ItemSource, indices: readonly number[]): TrainBatch {
  const b = indices.length;
  const { height: h, width: w, channels: ch } = source;
  const c = source.classNames.length;
  const p = h * w;
  const x = new Float32Array(b * p * ch);
  const y = new Float32Array(b * p * c);
  const annotated = new Float32Array(b * c);
  const ignore = new Float32Array(b * p);
  const labels = new Uint8Array(b * p);
  let ignored = 0;
  indices.forEach((index, k) => {
    const it = source.item(index);
    x.set(it.image, k * p * ch);
    labels.set(it.mask, k * p);
    annotated.set(it.annotated, k * c);
    ignored += maskToTargets(it.mask, c, y, ignore, k * p);
  });
  return {
    x: { data: x, shape: [b, h, w, ch] },
    y: { data: y, shape: [b, h, w, c] },
    annotated: { data: annotated, shape: [b, c] },
    ignore: ignored > 0 ? { data: ignore, shape: [b, h, w] } : null,
    labels,
  };
}

/** Position of a {@link BatchCursor}: epoch, offset in its order, generator state at the epoch's start. */
export interface CursorState {
  readonly n: number;
  readonly batchSize: number;
  readonly epoch: number;
  readonly offset: number;
  readonly rng: RandomState;
}

/**
 * Seeded epoch order over `n` items, handing out full batches of indices: each epoch is a fresh
 * Fisher–Yates shuffle drawn from one `Random(seed)`; a batch that runs past the end of an epoch is
 * completed from the next. Its {@link CursorState} restores the exact remaining sequence.
 *
 * @example
 * ```ts
 * const c = new BatchCursor(10, 4, 1);
 * c.next(); c.next(); const s = c.state();
 * BatchCursor.fromState(s).next(); // equals c.next()
 * ```
 */
export class BatchCursor {
  private rng: Random;
  private epochStart: RandomState;
  private order: number[] = [];
  private epochIndex = 0;
  private offset = 0;

  constructor(
    readonly n: number,
    readonly batchSize: number,
    seed: number,
  ) {
    if (!Number.isInteger(n) || n < 1) fail('BatchCursor', `n is ${n}; expected a positive integer`);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      fail('BatchCursor', `batchSize is ${batchSize}; expected a positive integer`);
    }
    this.rng = new Random(seed);
    this.epochStart = this.rng.state();
    this.shuffle();
  }

  private shuffle(): void {
    this.epochStart = this.rng.state();
    this.order = this.rng.shuffle(Array.from({ length: this.n }, (_, i) => i));
    this.offset = 0;
  }

  /** Epochs started so far minus one (0 during the first epoch). */
  get epoch(): number {
    return this.epochIndex;
  }

  /** The next `batchSize` item indices. */
  next(): number[] {
    const out: number[] = [];
    while (out.length < this.batchSize) {
      if (this.offset === this.n) {
        this.epochIndex++;
        this.shuffle();
      }
      out.push(this.order[this.offset++]);
    }
    return out;
  }

  /** A snapshot of the position. */
  state(): CursorState {
    return {
      n: this.n,
      batchSize: this.batchSize,
      epoch: this.epochIndex,
      offset: this.offset,
      rng: this.epochStart,
    };
  }

  /** A cursor continuing exactly from `state`. */
  static fromState(state: CursorState): BatchCursor {
    const c = new BatchCursor(state.n, state.batchSize, 0);
    if (!Number.isInteger(state.offset) || state.offset < 0 || state.offset > state.n) {
      fail('BatchCursor.fromState', `offset is ${state.offset}; expected an integer in [0, ${state.n}]`);
    }
    c.rng = Random.fromState(state.rng);
    c.shuffle();
    c.epochIndex = state.epoch;
    c.offset = state.offset;
    return c;
  }
}

import { Random } from '../synth/random.js';
import { makeBatch, type TrainBatch } from './batch.js';
import { BatchCursor, type CursorState } from './cursor.js';
import type { ItemSource } from './item-source.js';
import { augmentItem, type AugmentConfig, type Normalization } from './transforms.js';

/** Options of {@link BatchStream}. */
export interface BatchStreamOptions {
  readonly batchSize: number;
  /** Seed of the epoch order (`Random(seed)`) and of the transforms. */
  readonly seed: number;
  readonly augment: AugmentConfig;
  readonly normalize: Normalization | null;
  /** Resume from a saved cursor after `batches` batches (the transforms are keyed by batch number). */
  readonly resume?: { readonly cursor: CursorState; readonly batches: number };
}

/**
 * The transforms' generator of batch `b`: `Random` seeded by a multiplicative hash of the run seed
 * and `b`, so batch `b` gets the same crops whether or not the run was interrupted before it.
 */
export function transformRandom(seed: number, b: number): Random {
  return new Random((Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) >>> 0);
}

/**
 * Loads items `indices` of `source`, applies `augment` with `rng` (none when null) and assembles them
 * with `makeBatch`: the single way a batch is made from a source.
 */
export async function loadBatch(
  source: ItemSource,
  indices: readonly number[],
  augment: AugmentConfig | null,
  normalize: Normalization | null,
  rng: Random,
): Promise<TrainBatch> {
  const items = await Promise.all(indices.map((i) => source.item(i)));
  const ready = items.map((it) =>
    augment === null ? it : { ...augmentItem(it, augment, source.channels, rng), annotated: it.annotated },
  );
  return makeBatch(ready, source.classNames.length, source.channels, normalize, source.mode);
}

interface Pending {
  readonly after: CursorState;
  readonly batch: Promise<TrainBatch>;
}

/**
 * The one training batch path: a seeded {@link BatchCursor} over a source, each item decoded,
 * transformed by {@link augmentItem} with {@link transformRandom} of its batch, and assembled by
 * `makeBatch`. The next batch is decoded while the caller trains on the current one (image decoding
 * runs in libvips' threads). `state()` is the position after the last batch returned.
 *
 * @example
 * ```ts
 * const s = new BatchStream(source, { batchSize: 8, seed: 1, augment: { crop: 128, scale: null, flip: true }, normalize: null });
 * const b = await s.next(); // b.x [8,128,128,ch]
 * ```
 */
export class BatchStream {
  private readonly cursor: BatchCursor;
  private batches: number;
  private consumed: CursorState;
  private pending: Pending | null = null;

  constructor(
    readonly source: ItemSource,
    readonly options: BatchStreamOptions,
  ) {
    this.cursor = options.resume
      ? BatchCursor.fromState(options.resume.cursor)
      : new BatchCursor(source.n, options.batchSize, options.seed);
    this.batches = options.resume?.batches ?? 0;
    this.consumed = this.cursor.state();
  }

  private load(): Pending {
    const indices = this.cursor.next();
    const rng = transformRandom(this.options.seed, this.batches++);
    const { source, options } = this;
    // Decoded in a later macrotask, not now: while a data-parallel step waits for its workers the
    // thread is idle and the next batch is made then (with one thread it is made after the step, as
    // before). What the batch holds is fixed here (indices, random stream), so timing cannot change it.
    const batch = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      loadBatch(source, indices, options.augment, options.normalize, rng),
    );
    batch.catch(() => undefined); // a prefetched batch's error is raised when it is awaited
    return { after: this.cursor.state(), batch };
  }

  /** The next batch; starts decoding the one after it. */
  async next(): Promise<TrainBatch> {
    const current = this.pending ?? this.load();
    this.pending = this.load();
    this.consumed = current.after;
    return current.batch;
  }

  /** Cursor position and batch count after the last batch returned (to save in a checkpoint). */
  state(): { cursor: CursorState; batches: number } {
    return { cursor: this.consumed, batches: this.batches - (this.pending ? 1 : 0) };
  }
}

import { fail } from '../core/errors.js';
import { Random, type RandomState } from '../synth/random.js';

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

import { cos } from '../core/trig.js';
import { fail } from '../core/errors.js';

/** The complete, JSON-serialisable state of a {@link Random}: one 32-bit word. */
export interface RandomState {
  readonly algorithm: 'mulberry32';
  readonly s: number;
}

/** Checks that `seed` is an integer, naming the calling function. */
export function checkSeed(where: string, seed: number): void {
  if (!Number.isInteger(seed)) fail(where, `seed is ${seed}; expected an integer`);
}

/**
 * A small seeded pseudo-random generator (mulberry32 by Tommy Ettinger: a 32-bit Weyl sequence with
 * an xorshift-multiply output mix; period 2^32). Its state is one integer, so training can checkpoint
 * it with {@link Random.state} and resume with {@link Random.fromState} to the identical stream.
 * Not for cryptography.
 *
 * @example
 * ```ts
 * const rng = new Random(42);
 * const a = rng.uniform(); // in [0, 1)
 * const saved = rng.state();
 * const b = rng.normal();
 * Random.fromState(saved).normal() === b; // true
 * ```
 * @see https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export class Random {
  private s: number;

  /** Seeds the generator; `seed` must be an integer (taken modulo 2^32). */
  constructor(seed: number) {
    checkSeed('Random', seed);
    this.s = seed >>> 0;
  }

  /** A generator continuing exactly from a saved {@link RandomState}. */
  static fromState(state: RandomState): Random {
    if (
      state?.algorithm !== 'mulberry32' ||
      !Number.isInteger(state.s) ||
      state.s < 0 ||
      state.s >= 2 ** 32
    ) {
      fail(
        'Random.fromState',
        `state is ${JSON.stringify(state)}; expected {algorithm: 'mulberry32', s: uint32}`,
      );
    }
    const r = new Random(0);
    r.s = state.s;
    return r;
  }

  /** The current state (a snapshot; later draws do not change it). */
  state(): RandomState {
    return { algorithm: 'mulberry32', s: this.s };
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in `[lo, hi)` (default `[0, 1)`), with 32 random bits. */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.uint32() / 4294967296);
  }

  /**
   * A normal variate with mean `mean` and standard deviation `std` (Box-Muller on two uniforms; the
   * second variate is discarded so that the state stays one word).
   */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform(); // in (0, 1], so log is finite
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * cos(2 * Math.PI * u2);
  }

  /** A uniform integer in `[0, n)`; `n` must be a positive integer. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) fail('Random.int', `n is ${n}; expected a positive integer`);
    return Math.floor(this.uniform() * n);
  }

  /** `true` with probability `p`. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

import type { NdArray } from '../core/ndarray.js';
import { dropAnnotationsAtRate } from './drop.js';
import { synthScenes } from './scenes.js';

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

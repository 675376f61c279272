import * as tf from '@tensorflow/tfjs';
import type { NdArray } from '../core/ndarray.js';
import { fail } from '../core/errors.js';
import { crossEntropyReference } from '../losses/crossentropy/reference.js';
import { crossEntropy } from '../losses/crossentropy/tensor.js';
import { missingAwareCrossEntropyReference } from '../losses/missing-aware/reference.js';
import { oneHot, type LabelMaps } from '../synth/labels.js';
import { postBatch, POST_NUM_CLASSES } from '../synth/post.js';
import { dropAnnotations, type DropResult, type ObjectRef } from '../synth/drop.js';
import { simulatePredictions } from '../synth/predictions.js';

/** Options of {@link runPostDemo}. */
export interface PostDemoOptions {
  /** Images (default 8). */
  readonly n?: number;
  /** Height and width (default 64). */
  readonly size?: number;
  /** Object annotations to drop, chosen at random among all present objects (default 2). */
  readonly missing?: number;
  readonly seed?: number;
  /** Quality of the simulated predictions, see `simulatePredictions` (default 3). */
  readonly quality?: number;
}

/** The post's table and the arrays behind it. */
export interface PostDemoResult {
  /** Cross-entropy on full annotations, typed-array reference. */
  readonly standardFullReference: number;
  /** Cross-entropy on full annotations, tfjs tensor implementation. */
  readonly standardFullTensor: number;
  /** Cross-entropy after dropping annotations. */
  readonly standardMissing: number;
  /** The post's missing-aware loss on the same data. */
  readonly missingAwareMissing: number;
  /** Which (image, class) annotations were dropped. */
  readonly dropped: readonly ObjectRef[];
  readonly labelsFull: LabelMaps;
  readonly labelsMissing: LabelMaps;
  /** Simulated predictions `[N, H, W, 4]`. */
  readonly predictions: NdArray;
  /** Per-pixel maps `[N, H, W]` of cross-entropy and of the missing-aware loss on the dropped labels. */
  readonly mapStandardMissing: NdArray;
  readonly mapMissingAware: NdArray;
}

/** The data of the post's experiment, before any loss: see {@link postDemoInputs}. */
export interface PostDemoInputs {
  /** `[N, H, W]` full label maps. */
  readonly labels: LabelMaps;
  /** Simulated predictions `[N, H, W, 4]` (probabilities). */
  readonly predictions: NdArray;
  /** The `missing` annotations dropped at random, with the dropped labels and the annotated mask. */
  readonly drop: DropResult;
}

/**
 * The data of {@link runPostDemo} for `options` (same defaults): the post's batch from `seed`, the
 * simulated predictions from `seed + 1` and the dropped annotations from `seed + 2`. The browser lab
 * starts from these, so its numbers equal `segloss demo`'s for the same settings.
 *
 * @example
 * ```ts
 * const { labels, predictions, drop } = postDemoInputs({ n: 6, size: 48, seed: 7 });
 * drop.dropped; // e.g. [{image: 1, class: 3}, {image: 4, class: 2}]
 * ```
 */
export function postDemoInputs(options: PostDemoOptions = {}, where = 'postDemoInputs'): PostDemoInputs {
  const { n = 8, size = 64, missing = 2, seed = 0, quality = 3 } = options;
  if (missing > 3 * n) fail(where, `missing is ${missing}; expected at most 3 * n = ${3 * n} objects`);
  const { labels } = postBatch({ n, height: size, width: size, seed });
  const predictions = simulatePredictions(labels, POST_NUM_CLASSES, { quality, seed: seed + 1 });
  const drop = dropAnnotations(labels, { count: missing, seed: seed + 2 });
  return { labels, predictions, drop };
}

/**
 * The post's experiment: draw the three shapes for `n` images, simulate typical predictions of a model
 * that finds every object, compute cross-entropy twice (reference and tensor) on full annotations, drop
 * `missing` annotations, and compare cross-entropy with the post's missing-aware loss on the result.
 *
 * Expected ordering (the post: 0.256 -> 0.494, and 0.191): missing > full > missing-aware, because the
 * found-but-unlabelled objects cost `-log p_bg` under cross-entropy and nothing under the missing-aware loss.
 *
 * @example
 * ```ts
 * const r = await runPostDemo({ n: 8, size: 64, missing: 2, seed: 0 });
 * r.standardMissing > r.standardFullReference; // true
 * ```
 */
export function runPostDemo(options: PostDemoOptions = {}): PostDemoResult {
  const { labels, predictions, drop } = postDemoInputs(options, 'runPostDemo');
  const yFull = oneHot(labels, POST_NUM_CLASSES);
  const yMissing = oneHot(drop.labels, POST_NUM_CLASSES);
  const standardFullTensor = tf.tidy(
    () =>
      crossEntropy(
        tf.tensor(yFull.data, [...yFull.shape]),
        tf.tensor(predictions.data, [...predictions.shape]),
      ).dataSync()[0],
  );
  const none = { reduction: 'none' } as const;
  const mapStandardMissing = crossEntropyReference(yMissing, predictions, none);
  const mapMissingAware = missingAwareCrossEntropyReference(yMissing, predictions, none);
  return {
    standardFullReference: crossEntropyReference(yFull, predictions).data[0],
    standardFullTensor,
    standardMissing: crossEntropyReference(yMissing, predictions).data[0],
    missingAwareMissing: missingAwareCrossEntropyReference(yMissing, predictions).data[0],
    dropped: drop.dropped,
    labelsFull: labels,
    labelsMissing: drop.labels,
    predictions,
    mapStandardMissing,
    mapMissingAware,
  };
}

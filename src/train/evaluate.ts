import type * as tf from '@tensorflow/tfjs';
import { confusionMatrix } from '../metrics/confusion.js';
import { MetricAccumulator } from '../metrics/accumulator.js';
import { perClassScore, precisionOf, recallOf } from '../metrics/scores.js';
import type { ItemSource } from '../data/item-source.js';
import { normalizeImage } from '../data/transforms.js';
import { evaluateMultilabel } from './evaluate-multilabel.js';
import { predictLabels } from './model-io.js';
import { predictImage, type PredictImageOptions } from './predict-image.js';

/** Scores of one class (null where undefined: the class never occurs and is never predicted). */
export interface ClassScores {
  readonly name: string;
  readonly iou: number | null;
  readonly dice: number | null;
  readonly precision: number | null;
  readonly recall: number | null;
  /** Images where the class is absent from the truth. */
  readonly absentImages: number;
  /** Fraction of those images where the class is predicted on at least one pixel. */
  readonly absentFalsePositiveImageRate: number | null;
  /** Fraction of those images' pixels predicted as the class. */
  readonly absentFalsePositivePixelRate: number | null;
}

/** What `segloss eval` reports. */
export interface EvaluationResult {
  readonly images: number;
  readonly pixelAccuracy: number | null;
  /** Mean over classes of the dataset-level IoU (classes with undefined IoU skipped). */
  readonly meanIoU: number | null;
  readonly meanDice: number | null;
  readonly perClass: readonly ClassScores[];
  /**
   * `C x C`, rows = truth, columns = prediction, pixels summed over the dataset (ignore label skipped);
   * binary and multi-label: `2C` rows, `[tn, fp]` and `[fn, tp]` of each class.
   */
  readonly confusionMatrix: readonly (readonly number[])[];
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Options of {@link evaluateModel}: how whole images are tiled (see `predictImage`). */
export interface EvaluateOptions extends PredictImageOptions {
  /** What the model outputs (default 'softmax'; the arg-max is the same either way). */
  readonly output?: 'softmax' | 'sigmoid' | 'logits';
}

/**
 * Evaluates `model` on every whole item of `source` (any size: images of the model's input size are
 * run in batches of `batchSize`, others tiled by `predictImage`) with segloss' metrics: confusion statistics per image
 * (`MetricAccumulator`), then IoU, Dice, precision and recall per class over the whole set, their
 * macro means, pixel accuracy, the confusion matrix and the false-positive rates on images where a
 * class is absent from the truth (`absentClassFalsePositiveRate`). With `options.mode` (binary,
 * multi-label) the scores are per sigmoid channel at `options.threshold` (see `evaluateMultilabel`).
 */
export async function evaluateModel(
  model: tf.LayersModel,
  source: ItemSource,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  if (options.mode !== undefined) {
    const output = options.output === 'logits' ? 'logits' : 'sigmoid';
    return evaluateMultilabel(model, source, output, { ...options, mode: options.mode });
  }
  const c = source.classNames.length;
  const batchSize = options.batchSize ?? 8;
  const acc = new MetricAccumulator(c);
  const matrix = new Float64Array(c * c);
  const [, wh, ww, ch] = model.inputs[0].shape as number[];
  const add = (labels: Uint8Array, pred: Uint8Array, n: number) => {
    acc.add(labels, pred, n);
    const m = confusionMatrix(labels, pred, c);
    for (let k = 0; k < m.length; k++) matrix[k] += m[k];
  };
  let group: { image: Float32Array; mask: Uint8Array }[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const p = wh * ww;
    const x = new Float32Array(group.length * p * ch);
    const labels = new Uint8Array(group.length * p);
    group.forEach((it, k) => {
      x.set(it.image, k * p * ch);
      labels.set(it.mask, k * p);
    });
    if (options.normalize) normalizeImage(x, ch, options.normalize);
    add(
      labels,
      predictLabels(model, { data: x, shape: [group.length, wh, ww, ch] }, batchSize),
      group.length,
    );
    group = [];
  };
  for (let i = 0; i < source.n; i++) {
    const it = await source.item(i);
    if (it.height === wh && it.width === ww) {
      group.push(it);
      if (group.length === batchSize) flush();
      continue;
    }
    const pred = predictImage(
      model,
      { data: it.image, height: it.height, width: it.width },
      options.output ?? 'softmax',
      options,
    );
    add(it.mask, pred.labels, 1);
  }
  flush();
  const summary = acc.summary();
  const stats = acc.stats();
  const prec = perClassScore(precisionOf, stats);
  const rec = perClassScore(recallOf, stats);
  const absentImages = new Array<number>(c).fill(0);
  for (let i = 0; i < stats.n; i++) {
    for (let j = 0; j < c; j++) if (stats.tp[i * c + j] + stats.fn[i * c + j] === 0) absentImages[j]++;
  }
  return {
    images: summary.images,
    pixelAccuracy: orNull(summary.pixelAccuracy),
    meanIoU: orNull(summary.meanIoU),
    meanDice: orNull(summary.meanDice),
    perClass: source.classNames.map((name, j) => ({
      name,
      iou: orNull(summary.perClassIoU[j]),
      dice: orNull(summary.perClassDice[j]),
      precision: orNull(prec[j]),
      recall: orNull(rec[j]),
      absentImages: absentImages[j],
      absentFalsePositiveImageRate: orNull(summary.absentFalsePositiveImageRate[j]),
      absentFalsePositivePixelRate: orNull(summary.absentFalsePositivePixelRate[j]),
    })),
    confusionMatrix: Array.from({ length: c }, (_, t) => Array.from(matrix.subarray(t * c, (t + 1) * c))),
  };
}

import type * as tf from '@tensorflow/tfjs';
import { confusionMatrix } from '../metrics/confusion.js';
import { MetricAccumulator } from '../metrics/accumulator.js';
import { perClassScore, precisionOf, recallOf } from '../metrics/scores.js';
import { makeBatch, type ItemSource } from './source.js';
import { predictLabels } from './model-io.js';

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
  /** `C x C`, rows = truth, columns = prediction, pixels summed over the dataset (ignore label skipped). */
  readonly confusionMatrix: readonly (readonly number[])[];
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Evaluates `model` on every item of `source` with segloss' metrics: confusion statistics per image
 * (`MetricAccumulator`), then IoU, Dice, precision and recall per class over the whole set, their
 * macro means, pixel accuracy, the confusion matrix and the false-positive rates on images where a
 * class is absent from the truth (`absentClassFalsePositiveRate`).
 */
export function evaluateModel(model: tf.LayersModel, source: ItemSource, batchSize = 8): EvaluationResult {
  const c = source.classNames.length;
  const acc = new MetricAccumulator(c);
  const matrix = new Float64Array(c * c);
  for (let start = 0; start < source.n; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, source.n - start) }, (_, k) => start + k);
    const batch = makeBatch(source, indices);
    const pred = predictLabels(model, batch.x, batchSize);
    acc.add(batch.labels, pred, indices.length);
    const m = confusionMatrix(batch.labels, pred, c);
    for (let k = 0; k < m.length; k++) matrix[k] += m[k];
  }
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

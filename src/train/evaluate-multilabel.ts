import type * as tf from '@tensorflow/tfjs';
import type { ItemSource } from '../data/item-source.js';
import { bitmaskToTargets } from '../data/mask-bits.js';
import { absentClassFalsePositiveRate } from '../metrics/accumulator.js';
import type { ConfusionStats } from '../metrics/confusion.js';
import { multilabelStats } from '../metrics/multilabel.js';
import { diceOf, iouOf, nanMean, perClassScore, precisionOf, recallOf } from '../metrics/scores.js';
import type { EvaluationResult } from './evaluate.js';
import { predictImage, type PredictImageOptions } from './predict-image.js';

/** A score, or null where it is 0/0 (as `evaluate` reports it). */
const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Evaluates a binary or multi-label model on every whole item of `source` (masks are bitmasks): each
 * image through `predictImage`, channel c predicted where `p_c >= threshold`, then `multilabelStats`
 * per image (ignored pixels and unannotated (image, class) pairs left out), scored by the metrics'
 * `perClassScore` (counts summed over the set) and `absentClassFalsePositiveRate`:
 *   `IoU_c = tp / (tp + fp + fn)`, `Dice_c = 2 tp / (2 tp + fp + fn)`, precision `tp / (tp + fp)`,
 *   recall `tp / (tp + fn)`; null where the denominator is 0. `pixelAccuracy` is the fraction of
 * (pixel, class) decisions that are right; the confusion matrix is `[[tn, fp], [fn, tp]]` per class.
 *
 * @example
 * ```ts
 * const r = await evaluateMultilabel(model, source, 'sigmoid', { mode: 'multilabel', threshold: 0.5 });
 * r.perClass.map((c) => c.iou);
 * ```
 */
export async function evaluateMultilabel(
  model: tf.LayersModel,
  source: ItemSource,
  output: 'sigmoid' | 'logits',
  options: PredictImageOptions & { readonly mode: 'binary' | 'multilabel' },
): Promise<EvaluationResult> {
  const c = source.classNames.length;
  const threshold = options.threshold ?? 0.5;
  // Per-image statistics of the whole set, `[N * C]` each (image n's row from its own multilabelStats).
  const n = source.n;
  const stats: ConfusionStats = {
    n,
    numClasses: c,
    tp: new Float64Array(n * c),
    fp: new Float64Array(n * c),
    fn: new Float64Array(n * c),
    tn: new Float64Array(n * c),
  };
  // 1 where an (image, class) pair is not scored as absent: the class occurs, or it is unannotated.
  const notAbsent = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const it = await source.item(i);
    const p = it.height * it.width;
    const pred = predictImage(model, { data: it.image, height: it.height, width: it.width }, output, options);
    const y = new Float32Array(p * c);
    const ignore = new Float32Array(p);
    const ignored = bitmaskToTargets(it.mask, c, y, ignore, 0);
    const s = multilabelStats(
      { data: y, shape: [1, p, c] },
      { data: pred.probs, shape: [1, p, c] },
      {
        threshold,
        ignoreMask: ignored > 0 ? { data: ignore, shape: [1, p] } : null,
        annotated: { data: Float32Array.from(it.annotated), shape: [1, c] },
      },
    );
    for (const key of ['tp', 'fp', 'fn', 'tn'] as const) stats[key].set(s[key], i * c);
    for (let k = 0; k < c; k++) notAbsent[i * c + k] = it.annotated[k] !== 1 || s.tp[k] + s.fn[k] > 0 ? 1 : 0;
  }
  const iou = perClassScore(iouOf, stats);
  const dice = perClassScore(diceOf, stats);
  const precision = perClassScore(precisionOf, stats);
  const recall = perClassScore(recallOf, stats);
  const absent = absentClassFalsePositiveRate(stats, notAbsent);
  const perClass = source.classNames.map((name, k) => ({
    name,
    iou: orNull(iou[k]),
    dice: orNull(dice[k]),
    precision: orNull(precision[k]),
    recall: orNull(recall[k]),
    absentImages: absent.absentImages[k],
    absentFalsePositiveImageRate: orNull(absent.imageRate[k]),
    absentFalsePositivePixelRate: orNull(absent.pixelRate[k]),
  }));
  const sum = (key: 'tp' | 'fp' | 'fn' | 'tn', k?: number) =>
    stats[key].reduce((a, v, j) => (k === undefined || j % c === k ? a + v : a), 0);
  const right = sum('tp') + sum('tn');
  return {
    images: n,
    pixelAccuracy: orNull(right / (right + sum('fp') + sum('fn'))),
    meanIoU: orNull(nanMean(iou)),
    meanDice: orNull(nanMean(dice)),
    perClass,
    confusionMatrix: source.classNames.flatMap((_, k) => [
      [sum('tn', k), sum('fp', k)],
      [sum('fn', k), sum('tp', k)],
    ]),
  };
}

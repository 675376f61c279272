import type * as tf from '@tensorflow/tfjs';
import type { ItemSource } from '../data/item-source.js';
import { bitmaskToTargets } from '../data/mask-bits.js';
import { multilabelStats } from '../metrics/multilabel.js';
import type { EvaluationResult } from './evaluate.js';
import { predictImage, type PredictImageOptions } from './predict-image.js';

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/**
 * Evaluates a binary or multi-label model on every whole item of `source` (masks are bitmasks): each
 * image through `predictImage`, channel c predicted where `p_c >= threshold`, then `multilabelStats`
 * per image (ignored pixels and unannotated (image, class) pairs left out) summed over the set:
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
  const sum = {
    tp: new Float64Array(c),
    fp: new Float64Array(c),
    fn: new Float64Array(c),
    tn: new Float64Array(c),
  };
  const absentImages = new Array<number>(c).fill(0);
  const absentHit = new Array<number>(c).fill(0);
  const absentPixels = new Array<number>(c).fill(0);
  const absentTotal = new Array<number>(c).fill(0);
  for (let i = 0; i < source.n; i++) {
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
    for (let k = 0; k < c; k++) {
      for (const key of ['tp', 'fp', 'fn', 'tn'] as const) sum[key][k] += s[key][k];
      if (it.annotated[k] === 1 && s.tp[k] + s.fn[k] === 0) {
        absentImages[k]++;
        absentHit[k] += s.fp[k] > 0 ? 1 : 0;
        absentPixels[k] += s.fp[k];
        absentTotal[k] += s.fp[k] + s.tn[k];
      }
    }
  }
  const perClass = source.classNames.map((name, k) => {
    const { tp, fp, fn } = { tp: sum.tp[k], fp: sum.fp[k], fn: sum.fn[k] };
    return {
      name,
      iou: ratio(tp, tp + fp + fn),
      dice: ratio(2 * tp, 2 * tp + fp + fn),
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, tp + fn),
      absentImages: absentImages[k],
      absentFalsePositiveImageRate: ratio(absentHit[k], absentImages[k]),
      absentFalsePositivePixelRate: ratio(absentPixels[k], absentTotal[k]),
    };
  });
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const total = (key: 'tp' | 'fp' | 'fn' | 'tn') => sum[key].reduce((a, b) => a + b, 0);
  return {
    images: source.n,
    pixelAccuracy: ratio(total('tp') + total('tn'), total('tp') + total('tn') + total('fp') + total('fn')),
    meanIoU: mean(perClass.map((k) => k.iou)),
    meanDice: mean(perClass.map((k) => k.dice)),
    perClass,
    confusionMatrix: source.classNames.flatMap((_, k) => [
      [sum.tn[k], sum.fp[k]],
      [sum.fn[k], sum.tp[k]],
    ]),
  };
}

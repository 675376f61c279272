import type * as tf from '@tensorflow/tfjs';
import { diceParams, regionLossTensor } from '../shared/region.js';
import { jaccardSpec, type JaccardOptions } from './spec.js';

/**
 * Soft Jaccard (IoU) loss as a differentiable tfjs function.
 *
 * Formula: `L = 1 - (2 I + smoothNr) / (2 (G + P - I) + smoothDr)` per image and class, probabilities
 * from `softmax(z)` (or `sigmoid(z)`) when `fromLogits`; autodiff through the region sums.
 *
 * @example
 * ```ts
 * jaccard(tf.tensor3d([[[1, 0], [0, 1]]]), tf.tensor3d([[[0.8, 0.2], [0.4, 0.6]]]),
 *   { smoothNr: 0, smoothDr: 0 }).dataSync()[0]; // 0.46428571
 * ```
 * @see Rahman & Wang, ISVC 2016; MONAI `DiceLoss(jaccard=True)`.
 */
export function jaccard(yTrue: tf.Tensor, yPred: tf.Tensor, options?: Partial<JaccardOptions>): tf.Tensor {
  return regionLossTensor(jaccardSpec, yTrue, yPred, options, (o) => diceParams({ ...o, jaccard: true }));
}

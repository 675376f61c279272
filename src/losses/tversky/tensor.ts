import type * as tf from '@tensorflow/tfjs';
import { regionLossTensor } from '../shared/region.js';
import { tverskyParams, tverskySpec, type TverskyOptions } from './spec.js';

/**
 * Tversky loss as a differentiable tfjs function.
 *
 * Formula: `L = 1 - (tp + smoothNr) / (tp + alpha fp + beta fn + smoothDr)` per image and class, with
 * soft `tp = sum y p`, `fp = sum p - tp`, `fn = sum y - tp`; probabilities from `softmax(z)` (or
 * `sigmoid(z)`) when `fromLogits`.
 *
 * @example
 * ```ts
 * tversky(tf.tensor3d([[[1, 0], [0, 1]]]), tf.tensor3d([[[0.8, 0.2], [0.4, 0.6]]]),
 *   { alpha: 0.3, beta: 0.7, smoothNr: 0, smoothDr: 0 }).dataSync()[0]; // 0.30349257
 * ```
 * @see Salehi, Erdogmus & Gholipour, MLMI 2017; MONAI `TverskyLoss`.
 */
export function tversky(yTrue: tf.Tensor, yPred: tf.Tensor, options?: Partial<TverskyOptions>): tf.Tensor {
  return regionLossTensor(tverskySpec, yTrue, yPred, options, tverskyParams);
}

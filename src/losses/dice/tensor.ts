import type * as tf from '@tensorflow/tfjs';
import { diceParams, regionLossTensor } from '../shared/region.js';
import { diceSpec, type DiceOptions } from './spec.js';

/**
 * Soft Dice loss as a differentiable tfjs function (MONAI `DiceLoss`, channels last).
 *
 * Formula: per image n and class c, `I = sum_i y p`, `G = sum_i y`, `P = sum_i p` (squares with
 * `squaredPred`), `L = 1 - (2 I + smoothNr) / (G + P + smoothDr)`; from logits, `p = softmax(z)` over
 * classes (`tf.softmax`, which subtracts the max: `exp(z_c - m) / sum_k exp(z_k - m)`) or
 * `p = sigmoid(z)` with `activation: 'sigmoid'`. Autodiff through the sums is exact and cheap.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]` in; scalar, or `[N, C]` (`[1, C]` with `batch`) for `'none'`.
 *
 * @example
 * ```ts
 * dice(tf.tensor3d([[[1, 0], [0, 1]]]), tf.tensor3d([[[0.8, 0.2], [0.4, 0.6]]]),
 *   { smoothNr: 0, smoothDr: 0 }).dataSync()[0]; // 0.3030303
 * ```
 * @see Milletari, Navab & Ahmadi, V-Net, 3DV 2016; MONAI `DiceLoss`.
 */
export function dice(yTrue: tf.Tensor, yPred: tf.Tensor, options?: Partial<DiceOptions>): tf.Tensor {
  return regionLossTensor(diceSpec, yTrue, yPred, options, diceParams);
}

import * as tf from '@tensorflow/tfjs';
import { resolveOptions } from '../../core/validate.js';
import { crossEntropy } from '../crossentropy/tensor.js';
import { dice } from '../dice/tensor.js';
import { asOwnError } from '../shared/spec.js';
import { diceCrossEntropySpec, splitOptions, type DiceCrossEntropyOptions } from './spec.js';

/**
 * Dice plus cross-entropy as a differentiable tfjs function (MONAI `DiceCELoss`).
 *
 * Formula: `L = lambdaDice * dice(y, p) + lambdaCe * crossentropy(y, p)`; from logits both terms use the
 * softmax (Dice: `tf.softmax`; cross-entropy: its stable log-softmax kernel).
 *
 * @example
 * ```ts
 * diceCrossEntropy(tf.tensor3d([[[1, 0], [0, 1]]]), tf.tensor3d([[[0.8, 0.2], [0.4, 0.6]]]),
 *   { smoothNr: 0, smoothDr: 0 }).dataSync()[0]; // 0.67001489
 * ```
 * @see MONAI `DiceCELoss`; Isensee et al., nnU-Net (2021).
 */
export function diceCrossEntropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options?: Partial<DiceCrossEntropyOptions>,
): tf.Tensor {
  const opts = resolveOptions(diceCrossEntropySpec.name, options, diceCrossEntropySpec.defaults);
  diceCrossEntropySpec.check(opts);
  const parts = splitOptions(opts);
  return asOwnError(diceCrossEntropySpec.name, () =>
    tf.tidy(() =>
      tf.add(
        tf.mul(dice(yTrue, yPred, parts.dice), opts.lambdaDice),
        tf.mul(crossEntropy(yTrue, yPred, parts.ce), opts.lambdaCe),
      ),
    ),
  );
}

import * as tf from '@tensorflow/tfjs';
import { resolveOptions } from '../../core/validate.js';
import { binaryCrossEntropy } from '../binary-crossentropy/tensor.js';
import { dice } from '../dice/tensor.js';
import { asOwnError } from '../shared/spec.js';
import { multilabelPartialSpec, termOptions, type MultilabelPartialOptions } from './spec.js';

/**
 * BCE + Dice over the annotated classes of each image, as a differentiable tfjs function (see
 * {@link multilabelPartialSpec}); from logits both terms use `sigmoid(z)` (BCE through `softplus`).
 *
 * @example
 * ```ts
 * multilabelPartial(tf.tensor3d([[[1, 0]]]), tf.tensor3d([[[0.8, 0.9]]]),
 *   { annotated: tf.tensor2d([[1, 0]]), smoothNr: 0, smoothDr: 0 }).dataSync()[0]; // 0.33425466
 * ```
 * @see Ulrich et al., MultiTalent, MICCAI 2023.
 */
export function multilabelPartial(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options?: Partial<MultilabelPartialOptions>,
): tf.Tensor {
  const where = multilabelPartialSpec.name;
  const opts = resolveOptions(where, options, multilabelPartialSpec.defaults);
  multilabelPartialSpec.check(opts);
  const parts = termOptions(opts, yPred.shape[yPred.shape.length - 1]);
  return asOwnError(where, () =>
    tf.tidy(() =>
      tf.add(
        tf.mul(binaryCrossEntropy(yTrue, yPred, parts.bce), opts.lambdaBce),
        tf.mul(dice(yTrue, yPred, parts.dice), opts.lambdaDice),
      ),
    ),
  );
}

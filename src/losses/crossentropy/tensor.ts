import * as tf from '@tensorflow/tfjs';
import { reduceTensor } from '../../core/reduction.js';
import { resolveOptions } from '../../core/validate.js';
import { prepareTensor } from '../shared/prepare.js';
import { crossEntropySpec, type CrossEntropyOptions } from './spec.js';

/**
 * Per-pixel cross-entropy of `[N, P, C]` tensors with an analytic gradient (`tf.customGrad`), shared by
 * every cross-entropy-like loss. Returns `[N, P]`.
 *
 * Probabilities, with `q = clip(p, eps, 1 - eps)`:
 *   `L = -sum_c y_c log q_c`,  `dL/dp_c = -y_c / q_c` where `eps <= p_c <= 1 - eps`, else 0,
 *   `dL/dy_c = -log q_c`.
 * Logits, with `log p = z - logsumexp(z)` (tf.logSoftmax, stable):
 *   `L = -sum_c y_c log p_c`,  `dL/dz_c = p_c * sum_k y_k - y_c`,  `dL/dy_c = -log p_c`.
 * One fused expression each way replaces tfjs' autodiff through clip, log and multiply.
 */
export function crossEntropyMapTensor(
  y3: tf.Tensor,
  p3: tf.Tensor,
  fromLogits: boolean,
  epsilon: number,
): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [y, pred, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const logP = fromLogits ? tf.logSoftmax(pred) : tf.log(tf.clipByValue(pred, epsilon, 1 - epsilon));
    save([y, pred, logP]);
    return {
      value: tf.neg(tf.sum(tf.mul(y, logP), -1)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ys, ps, logPs] = saved;
        const dy3 = tf.expandDims(dy, -1);
        const gradY = tf.mul(tf.neg(logPs), dy3);
        let gradP: tf.Tensor;
        if (fromLogits) {
          gradP = tf.mul(tf.sub(tf.mul(tf.exp(logPs), tf.sum(ys, -1, true)), ys), dy3);
        } else {
          const inside = tf.logicalAnd(tf.greaterEqual(ps, epsilon), tf.lessEqual(ps, 1 - epsilon));
          const g = tf.neg(tf.div(ys, tf.exp(logPs)));
          gradP = tf.mul(tf.where(inside, g, tf.zerosLike(g)), dy3);
        }
        return [gradY, gradP];
      },
    };
  });
  return (op as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(y3, p3);
}

/**
 * Categorical cross-entropy as a differentiable tfjs function: use it in `model.compile({loss})` (with
 * default options), through {@link lossFunction} with options, or in a custom loop under `tf.grad`.
 *
 * Formula: `L_i = -sum_c y_ic log(clip(p_ic, eps, 1 - eps))` (or the log-softmax of logits), reduced by
 * `reduction` over valid pixels. Shapes: `[N, H, W, C]` or `[N, P, C]` in, scalar or `[N, H, W]` / `[N, P]` out.
 *
 * @example
 * ```ts
 * crossEntropy(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0.2, 0.8]]])).dataSync()[0]; // 0.22314355
 * ```
 * @see Goodfellow, Bengio & Courville, Deep Learning (2016), sec. 6.2.2.2.
 */
export function crossEntropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options?: Partial<CrossEntropyOptions>,
): tf.Tensor {
  const where = crossEntropySpec.name;
  const opts = resolveOptions(where, options, crossEntropySpec.defaults);
  return tf.tidy(() => {
    const { layout, y3, p3, valid } = prepareTensor(where, yTrue, yPred, opts);
    let map = crossEntropyMapTensor(y3, p3, opts.fromLogits, opts.epsilon);
    if (valid !== undefined) map = tf.mul(map, valid);
    return reduceTensor(where, tf.reshape(map, [...layout.mapShape]), opts.reduction, valid);
  });
}

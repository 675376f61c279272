import * as tf from '@tensorflow/tfjs';
import { reduceTensor } from '../../core/reduction.js';
import { resolveOptions } from '../../core/validate.js';
import { valueSummary } from '../../backend/value-check.js';
import { hasKernel } from '../../backend/kernels/kernel-registry.js';
import { CE_MAP_KERNEL } from '../../backend/kernels/crossentropy-map.js';
import { prepareTensor } from '../shared/prepare.js';
import { checkClassWeights, checkLabelSmoothing } from './class-weights.js';
import { crossEntropySpec, type CrossEntropyOptions } from './spec.js';

/** True when every value of `x` lies in `[lo, hi]` (one pass, see valueSummary). */
function allWithin(x: tf.Tensor, lo: number, hi: number): boolean {
  const [, min, max] = valueSummary(x);
  return min >= lo && max <= hi;
}

/** Whether gradients are being recorded (tfjs' engine state; true when it cannot tell). */
function recordingGradients(): boolean {
  const depth = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state?.gradientDepth;
  return typeof depth !== 'number' || depth > 0;
}

/**
 * {@link crossEntropyMapTensor} on the single-pass host kernel of backend/kernels/crossentropy-map.ts (wasm and cpu): while
 * gradients are recorded the forward pass also returns `∂map/∂p`, and the backward pass is one
 * broadcast multiply by `dy`.
 */
function crossEntropyMapKernel(
  y3: tf.Tensor,
  p3: tf.Tensor,
  fromLogits: boolean,
  epsilon: number,
): tf.Tensor {
  const run = (pred: tf.Tensor, withGradient: boolean): tf.Tensor[] =>
    tf.engine().runKernel(CE_MAP_KERNEL, { y: y3, p: pred }, {
      fromLogits,
      epsilon,
      withGradient,
    } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [pred, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // The backward pass runs only while gradients are recorded, so g exists whenever it is needed.
    const [map, g] = run(pred, recordingGradients());
    save(g === undefined ? [] : [g]);
    return {
      value: map,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.expandDims(dy, -1)),
    };
  });
  return (op as (b: tf.Tensor) => tf.Tensor)(p3);
}

/**
 * Per-pixel cross-entropy of `[N, P, C]` tensors with an analytic gradient (`tf.customGrad`), shared by
 * every cross-entropy-like loss. Returns `[N, P]`. The targets `y3` are constants: no gradient flows into
 * them (as in training, where targets are data); the gradient is taken with respect to `p3` only.
 *
 * Probabilities, with `q = clip(p, eps, 1 - eps)`:
 *   `L = -sum_c y_c log q_c`,  `dL/dp_c = -y_c / q_c` where `p_c = q_c` (inside the clip), else 0.
 * Logits, with `log p = z - logsumexp(z)` (tf.logSoftmax, stable):
 *   `L = -sum_c y_c log p_c`,  `dL/dz_c = p_c * sum_k y_k - y_c`.
 * On the wasm and cpu backends this is one single-pass kernel (backend/kernels/crossentropy-map.ts); elsewhere
 * {@link crossEntropyMapOps}. bench/loss.ts measures them against a plain loop.
 *
 * @example
 * ```ts
 * const map = crossEntropyMapTensor(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0.2, 0.8]]]), false, 1e-7);
 * // [[0.2231]] = -log 0.8
 * ```
 */
export function crossEntropyMapTensor(
  y3: tf.Tensor,
  p3: tf.Tensor,
  fromLogits: boolean,
  epsilon: number,
): tf.Tensor {
  if (hasKernel(CE_MAP_KERNEL)) return crossEntropyMapKernel(y3, p3, fromLogits, epsilon);
  return crossEntropyMapOps(y3, p3, fromLogits, epsilon);
}

/**
 * {@link crossEntropyMapTensor} from tfjs ops, for backends without the host kernels (webgl,
 * tfjs-node): one fused expression each way replaces tfjs' autodiff through clip, log and multiply.
 * The backward pass on probabilities is one divide and one multiply by the broadcast `-dy` when every
 * `p` lies inside the clip (checked with one min/max pass), plus an equal/cast/multiply mask otherwise.
 */
export function crossEntropyMapOps(
  y3: tf.Tensor,
  p3: tf.Tensor,
  fromLogits: boolean,
  epsilon: number,
): tf.Tensor {
  // y is saved with the other tensors: it may be a temporary of the caller's tidy, gone by backprop time.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [pred, save] = args as [tf.Tensor, tf.GradSaveFunc];
    if (fromLogits) {
      const logP = tf.logSoftmax(pred);
      save([y3, logP]);
      return {
        value: tf.neg(tf.sum(tf.mul(y3, logP), -1)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [y, logPs] = saved;
          // dz = (softmax * sum_k y_k - y) * dy; for one-hot rows sum_k y_k = 1 but soft rows need it.
          return tf.mul(tf.sub(tf.mul(tf.exp(logPs), tf.sum(y, -1, true)), y), tf.expandDims(dy, -1));
        },
      };
    }
    const q = tf.clipByValue(pred, epsilon, 1 - epsilon);
    save([y3, pred, q]);
    return {
      value: tf.neg(tf.sum(tf.mul(y3, tf.log(q)), -1)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [y, ps, qs] = saved;
        const negDy3 = tf.neg(tf.expandDims(dy, -1));
        // dp = -y / q * dy inside the clip (p = q), 0 outside.
        let ratio = tf.div(y, qs);
        if (!allWithin(ps, epsilon, 1 - epsilon)) ratio = tf.mul(ratio, tf.cast(tf.equal(ps, qs), 'float32'));
        return tf.mul(ratio, negDy3);
      },
    };
  });
  return (op as (b: tf.Tensor) => tf.Tensor)(p3);
}

/**
 * Categorical cross-entropy as a differentiable tfjs function: use it in `model.compile({loss})` (with
 * default options), through {@link lossFunction} with options, or in a custom loop under `tf.grad`.
 *
 * Formula: `L_i = -sum_c w_c y'_ic log(clip(p_ic, eps, 1 - eps))` (or the log-softmax of logits) with
 * `y' = y (1 - ls) + ls / C` (class axis), reduced by `reduction` over valid pixels; with class weights
 * the mean divides by `sum_i sum_c w_c y_ic` (PyTorch's weighted mean, see {@link crossEntropySpec}). Shapes: `[N, H, W, C]` or `[N, P, C]` in, scalar or `[N, H, W]` / `[N, P]` out.
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
    checkClassWeights(where, opts.classWeights, layout.c);
    checkLabelSmoothing(where, opts.labelSmoothing);
    let targets: tf.Tensor = y3;
    const ls = opts.labelSmoothing;
    if (ls > 0) targets = tf.add(tf.mul(y3, 1 - ls), ls / layout.c);
    let denom: tf.Tensor | undefined = valid;
    if (opts.classWeights !== null) {
      const w = tf.tensor1d(opts.classWeights, 'float32');
      targets = tf.mul(targets, w);
      // PyTorch's weighted-mean denominator: sum_c w_c y_ic per pixel, on the unsmoothed targets.
      denom = tf.sum(tf.mul(y3, w), -1);
      if (valid !== undefined) denom = tf.mul(denom, valid);
    }
    let map = crossEntropyMapTensor(targets, p3, opts.fromLogits, opts.epsilon);
    if (valid !== undefined) map = tf.mul(map, valid);
    return reduceTensor(where, tf.reshape(map, [...layout.mapShape]), opts.reduction, denom);
  });
}

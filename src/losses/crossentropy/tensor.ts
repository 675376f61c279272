import * as tf from '@tensorflow/tfjs';
import { pixelLossMeanPartsOf, pixelLossTensor, type PixelTensorBody } from '../shared/pixel-loss.js';
import { crossEntropyMapTensor } from '../shared/crossentropy-map-tensor.js';
import { crossEntropySpec, type CrossEntropyOptions } from './spec.js';

/** The per-pixel cross-entropy kernels, re-exported for the public API and the benchmarks. */
export { crossEntropyMapOps, crossEntropyMapTensor } from '../shared/crossentropy-map-tensor.js';

/** The per-pixel map (and mean weights) of `crossEntropy`: the body {@link pixelLossTensor} runs. */
const crossEntropyBody: PixelTensorBody<CrossEntropyOptions> = ({ opts, layout, y3, p3 }) => {
  let targets: tf.Tensor = y3;
  const ls = opts.labelSmoothing;
  if (ls > 0) targets = tf.add(tf.mul(y3, 1 - ls), ls / layout.c);
  let denom: tf.Tensor | undefined;
  if (opts.classWeights !== null) {
    const w = tf.tensor1d(opts.classWeights, 'float32');
    targets = tf.mul(targets, w);
    // PyTorch's weighted-mean denominator: sum_c w_c y_ic per pixel, on the unsmoothed targets.
    denom = tf.sum(tf.mul(y3, w), -1);
  }
  return { map: crossEntropyMapTensor(targets, p3, opts.fromLogits, opts.epsilon), denom };
};

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
  return pixelLossTensor(crossEntropySpec, yTrue, yPred, options, crossEntropyBody);
}

/**
 * `crossEntropy`'s `'mean'` as its two parts `{ sum, denominator }` in one pass (see
 * {@link pixelLossMeanPartsOf}): `mean = sum / denominator`.
 *
 * @example `crossEntropyMeanParts(tf.tensor3d([[[0, 1], [1, 0]]]), yPred).denominator` is 2 (two valid pixels).
 */
export const crossEntropyMeanParts = pixelLossMeanPartsOf(crossEntropySpec, crossEntropyBody);

import * as tf from '@tensorflow/tfjs';
import type { FusedBatchNormAttrs, GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';

/**
 * Gradient of `FusedBatchNorm` (`y = (x - mean) * r * scale + offset`, `r = 1 / sqrt(variance + eps)`)
 * with broadcasting instead of `tile`. tfjs' own gradient builds `dx` by tiling `r` to the full
 * `[N, H, W, C]` shape first; on the wasm backend that `Tile` alone was about 30% of a U-Net training
 * step with batch norm. The maths is the same (reductions over the axes that `mean` broadcasts along):
 * ```
 * dx       = dy * r * scale
 * dmean    = -r * scale * sum(dy)
 * dvar     = -0.5 * r^3 * scale * sum(dy * (x - mean))
 * dscale   = r * sum(dy * (x - mean))
 * doffset  = sum(dy)
 * ```
 * Registered globally (gradients are not per backend) with the `U-Net` kernel group of register.ts.
 */
export const batchNormGradConfig: GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const g = dy as Tensor;
    const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
    const [x, mean, variance, scale] = saved;
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: Tensor): Tensor => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
    const r = (): Tensor => tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const rScale = (): Tensor => (scale === undefined || scale === null ? r() : tf.mul(r(), scale));
    return {
      x: () => tf.reshape(tf.mul(g, rScale()), x.shape),
      mean: () => tf.reshape(tf.mul(tf.neg(rScale()), reduce(g)), mean.shape),
      variance: () => {
        const rv = r();
        const coef = tf.mul(
          tf.mul(tf.mul(rv, rv), scale === undefined || scale === null ? rv : tf.mul(rv, scale)),
          tf.scalar(-0.5),
        );
        return tf.reshape(tf.mul(coef, reduce(tf.mul(g, tf.sub(x, mean)))), mean.shape);
      },
      scale: () => tf.reshape(tf.mul(r(), reduce(tf.mul(g, tf.sub(x, mean)))), mean.shape),
      offset: () => reduce(g),
    };
  },
};

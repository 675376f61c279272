import * as tf from '@tensorflow/tfjs';
import { BN_TRAIN, BN_TRAIN_GRAD, batchNormSimdFits } from '../backend/kernels/batch-norm-simd.js';

type BatchNormLayer = ReturnType<typeof tf.layers.batchNormalization>;
type BatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type Kwargs = Parameters<BatchNormLayer['call']>[1];

/** The fields of tfjs-layers' BatchNormalization that the fast path reads (private in its typings). */
interface BatchNormInternals {
  axis: number | number[];
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

// tfjs does not export the BatchNormalization class itself; its factory's result carries it.
const BatchNormalization = (tf.layers.batchNormalization({}) as object).constructor as new (
  args?: BatchNormArgs,
) => BatchNormLayer;

/**
 * Training-mode batch normalisation over `[N, H, W, C]` (statistics per channel over N, H, W) with the
 * analytic gradient (Ioffe & Szegedy 2015), as one custom-gradient op. With `M = N*H*W`,
 * `r = 1/sqrt(var + eps)`, `xhat = (x - mean) * r`:
 * ```
 * y      = gamma * xhat + beta
 * dgamma = sum(dy * xhat),   dbeta = sum(dy)
 * dx     = gamma * r * (dy - dbeta / M - xhat * dgamma / M)
 * ```
 * tfjs differentiates its composition (moments, then the batch-norm kernel) op by op, about 20
 * full-size passes and ~40 small ops per layer; this takes about 8 passes and 15 ops. `onStats` receives the batch mean
 * and (biased) variance, e.g. for moving averages. On the wasm backend with `C` a multiple of 4 the
 * same formulas run as two SIMD kernels (backend/kernels/batch-norm-simd.ts).
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  if (batchNormSimdFits(x)) return batchNormTrainingKernels(x, gamma, beta, epsilon, onStats);
  const axes = [0, 1, 2];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const { mean, variance } = tf.moments(xs, axes) as { mean: tf.Tensor1D; variance: tf.Tensor1D };
    onStats(mean, variance);
    save([xs, g, mean, variance]);
    return {
      value: tf.batchNorm(xs, mean, variance, b, g, epsilon),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = dy as tf.Tensor4D;
        const [sx, sg, sm, sv] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const m = sx.size / sx.shape[3];
        const r = tf.rsqrt(tf.add(sv, epsilon)) as tf.Tensor1D;
        const xhat = tf.mul(tf.sub(sx, sm), r);
        const dGamma = tf.sum(tf.mul(d, xhat), axes) as tf.Tensor1D;
        const dBeta = tf.sum(d, axes) as tf.Tensor1D;
        // Broadcast ops rather than wasm's batch-norm kernel, which is slower per value here.
        const centred = tf.sub(tf.sub(d, tf.div(dBeta, m)), tf.mul(xhat, tf.div(dGamma, m)));
        const dx = tf.mul(centred, tf.mul(sg, r));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/**
 * {@link batchNormTraining} on the wasm batch-norm kernels (backend/kernels/batch-norm-simd.ts): four
 * SIMD passes over the data forward and three backward.
 */
function batchNormTrainingKernels(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const attrs = { epsilon } as unknown as tf.NamedAttrMap;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance] = tf
      .engine()
      .runKernel(BN_TRAIN, { x: xs, gamma: g, beta: b }, attrs) as tf.Tensor[];
    onStats(mean as tf.Tensor1D, variance as tf.Tensor1D);
    save([xs, g, mean, variance]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, sm, sv] = saved;
        return tf
          .engine()
          .runKernel(
            BN_TRAIN_GRAD,
            { dy: dy as tf.Tensor, x: sx, gamma: sg, mean: sm, variance: sv },
            attrs,
          ) as tf.Tensor[];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/**
 * tfjs-layers' `BatchNormalization` whose training branch, for channels-last rank-4 input with
 * `center` and `scale` on, is {@link batchNormTraining}. Weights (names, shapes), moving-average
 * updates (`moving = moving - (moving - batch) * (1 - momentum)`), inference and serialisation
 * (`className` 'BatchNormalization') are those of the stock layer.
 */
export class FastBatchNormalization extends BatchNormalization {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as BatchNormInternals;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axis = Array.isArray(self.axis) ? self.axis : [self.axis];
    const lastAxis = axis.length === 1 && (axis[0] === -1 || axis[0] === 3);
    const training = kwargs?.training === true;
    if (!training || x.rank !== 4 || !lastAxis || !self.center || !self.scale)
      return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const update = (variable: tf.LayerVariable, value: tf.Tensor): void => {
        tf.tidy(() => {
          const old = variable.read();
          variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - self.momentum)));
        });
      };
      return batchNormTraining(
        x as tf.Tensor4D,
        self.gamma.read() as tf.Tensor1D,
        self.beta.read() as tf.Tensor1D,
        self.epsilon,
        (mean, variance) => {
          update(self.movingMean, mean);
          update(self.movingVariance, variance);
        },
      );
    });
  }
}

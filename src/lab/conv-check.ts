/**
 * A fixed convolution-gradient case, run the same way in Node and in the browser so that the lab's
 * kernel page and the browser tests can compare segloss' wasm kernels across the two.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../synth/random.js';

/** One case of {@link convGradCheck}: its geometry and both gradients, flattened. */
export interface ConvGradCase {
  readonly name: string;
  readonly xShape: readonly [number, number, number, number];
  readonly filterShape: readonly [number, number, number, number];
  readonly stride: number;
  readonly pad: 'same' | 'valid';
  /** `∂L/∂x` of `L = Σ conv2d(x, w) ⊙ r`, `r` a fixed random weight, `[N*H*W*Cin]`. */
  readonly dx: number[];
  /** `∂L/∂w`, `[KH*KW*Cin*Cout]`. */
  readonly dw: number[];
}

const CASES = [
  {
    name: '3x3 stride 1 same, 8->8',
    xShape: [2, 12, 12, 8],
    filterShape: [3, 3, 8, 8],
    stride: 1,
    pad: 'same',
  },
  {
    name: '3x3 stride 2 valid, 4->12',
    xShape: [1, 11, 9, 4],
    filterShape: [3, 3, 4, 12],
    stride: 2,
    pad: 'valid',
  },
] as const;

/**
 * The gradients of `L = Σ conv2d(x, w) ⊙ r` with respect to `x` and `w` for fixed seeded inputs
 * (uniform in [-1, 1] from `Random(seed)`), computed by `tf.grads` on the current backend: on wasm
 * after `setupBackend`, these run segloss' `Conv2DBackpropInput` and `Conv2DBackpropFilter` kernels.
 *
 * @example
 * ```ts
 * await setupBackend('wasm');
 * convGradCheck()[0].dw.length; // 576
 * ```
 */
export function convGradCheck(seed = 11): ConvGradCase[] {
  const rng = new Random(seed);
  const fill = (shape: readonly number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)),
      [...shape],
    );
  return CASES.map((c) => {
    const [dx, dw] = tf.tidy(() => {
      const x = fill(c.xShape) as tf.Tensor4D;
      const w = fill(c.filterShape) as tf.Tensor4D;
      const r = fill(tf.conv2d(x, w, c.stride, c.pad).shape);
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r));
      return tf
        .grads(loss)([x, w])
        .map((g) => Array.from(g.dataSync()));
    }) as unknown as [number[], number[]];
    return { ...c, dx, dw };
  });
}

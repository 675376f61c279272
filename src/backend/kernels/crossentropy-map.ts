/**
 * The cross-entropy map as one single-pass kernel on the wasm and cpu backends (host-kernel.ts):
 * `SeglossCrossEntropy`. losses/crossentropy/tensor.ts uses it when the active backend has it, and tfjs ops otherwise
 * (webgl, tfjs-node).
 *
 * Shapes: `y` and `p` are `[..., C]`; the map is `[...]` (the last axis dropped). With
 * `withGradient` the kernel also returns `g = ∂map/∂p` (`[..., C]`, one row per pixel), so that the
 * backward pass is the product `g · dy` broadcast over `C`: the same single pass over `y` and `p` that
 * a hand-written loss-and-gradient loop makes.
 *
 * Probabilities, `q = clip(p, ε, 1 − ε)`:
 *   `map = −Σ_c y_c · log q_c`,  `g_c = −y_c / q_c` where `ε ≤ p_c ≤ 1 − ε`, else 0.
 * Logits, `lse = m + log Σ_c exp(z_c − m)` with `m = max_c z_c` (no overflow), `s_c = exp(z_c − lse)`:
 *   `map = Σ_c y_c · (lse − z_c)`,  `g_c = s_c · Σ_k y_k − y_c`.
 */
import type * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';
import { hostKernelConfigs, runHostKernel } from './host-kernel.js';

/** The kernel's name. */
export const CE_MAP_KERNEL = 'SeglossCrossEntropy';

/** The kernel's attributes. */
export interface CrossEntropyKernelAttrs {
  fromLogits: boolean;
  epsilon: number;
  /** Also return `∂map/∂p` as a second output. */
  withGradient: boolean;
}

/** Checks that `y` and `p` have one shape `[..., C]`; returns that shape. */
function checkPair(where: string, y: tf.TensorInfo | undefined, p: tf.TensorInfo | undefined): number[] {
  if (y === undefined || p === undefined) fail(where, 'inputs must hold y and p');
  const same = y.shape.length === p.shape.length && y.shape.every((d, i) => d === p.shape[i]);
  if (!same || p.shape.length === 0) {
    fail(
      where,
      `y has shape ${formatShape(y.shape)} and p ${formatShape(p.shape)}; expected equal shapes [..., C]`,
    );
  }
  return p.shape;
}

/** Rows of logits: map and, when `g` is given, the gradient rows. */
function logitRows(yv: Float32Array, zv: Float32Array, c: number, map: Float32Array, g?: Float32Array): void {
  for (let r = 0, b = 0; r < map.length; r++, b += c) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) if (zv[b + k] > m) m = zv[b + k];
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(zv[b + k] - m);
    const lse = m + Math.log(s);
    let sum = 0;
    let ysum = 0;
    for (let k = 0; k < c; k++) {
      sum += yv[b + k] * (lse - zv[b + k]);
      ysum += yv[b + k];
    }
    map[r] = sum;
    if (g !== undefined) {
      const inv = 1 / s;
      for (let k = 0; k < c; k++) g[b + k] = Math.exp(zv[b + k] - m) * inv * ysum - yv[b + k];
    }
  }
}

/** Rows of probabilities: map and, when `g` is given, the gradient rows. */
function probRows(
  yv: Float32Array,
  pv: Float32Array,
  c: number,
  eps: number,
  map: Float32Array,
  g?: Float32Array,
): void {
  const hi = 1 - eps;
  for (let r = 0, b = 0; r < map.length; r++, b += c) {
    let sum = 0;
    for (let k = 0; k < c; k++) {
      const v = pv[b + k];
      const yk = yv[b + k];
      const inside = v >= eps && v <= hi;
      if (yk !== 0) sum -= yk * Math.log(inside ? v : v < eps ? eps : hi);
      if (g !== undefined) g[b + k] = inside ? -yk / v : 0;
    }
    map[r] = sum;
  }
}

function crossEntropyKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}) {
  const { y, p } = args.inputs;
  const shape = checkPair(CE_MAP_KERNEL, y, p);
  const c = shape[shape.length - 1];
  const { fromLogits, epsilon, withGradient } = args.attrs as unknown as CrossEntropyKernelAttrs;
  const outShapes = withGradient ? [shape.slice(0, -1), shape] : [shape.slice(0, -1)];
  return runHostKernel(CE_MAP_KERNEL, args.backend, { y, p }, outShapes, ([yv, pv], [map, g]) => {
    if (fromLogits) logitRows(yv, pv, c, map, g);
    else probRows(yv, pv, c, epsilon, map, g);
  });
}

/** The kernel's configs for wasm and cpu (kernel group `crossentropy` of register.ts). */
export const crossEntropyMapConfigs: readonly tf.KernelConfig[] = hostKernelConfigs(
  CE_MAP_KERNEL,
  crossEntropyKernel as unknown as tf.KernelFunc,
);

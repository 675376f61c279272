import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from './errors.js';
import type { NdArray, Shape } from './ndarray.js';

/** An array argument of a tensor loss: a `tf.Tensor` or a plain {@link NdArray} (converted on the fly). */
export type ArrayInput = tf.Tensor | NdArray;

/** Converts an {@link ArrayInput} to a float32 tensor (a tensor is returned as it is, cast if needed). */
export function asTensor(x: ArrayInput): tf.Tensor {
  if (x instanceof tf.Tensor) return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  return tf.tensor(x.data, [...x.shape], 'float32');
}

/** Converts a `tf.Tensor` or an {@link NdArray} to an NdArray (reads tensor data synchronously). */
export function asNdArray(x: ArrayInput): NdArray {
  if (x instanceof tf.Tensor)
    return { data: Float32Array.from(x.dataSync() as ArrayLike<number>), shape: x.shape };
  return x;
}

/**
 * Reshapes a per-pixel mask (`[N, H, W]` or `[N, P]`, the loss map's shape) to `[N, P]`, checking that
 * it matches `mapShape`.
 */
export function flattenPixelMask(
  where: string,
  arg: string,
  shape: Shape,
  mapShape: Shape,
): [number, number] {
  const n = mapShape[0];
  const p = mapShape.slice(1).reduce((a, b) => a * b, 1);
  const sameMap = shape.length === mapShape.length && shape.every((d, i) => d === mapShape[i]);
  const flat = shape.length === 2 && shape[0] === n && shape[1] === p;
  if (!sameMap && !flat) {
    fail(
      where,
      `${arg} has shape ${formatShape(shape)}; expected ${formatShape(mapShape)} (the loss map's shape)`,
    );
  }
  return [n, p];
}

import { fail, formatShape } from './errors.js';

/** A shape: the size of each axis, outermost first (row-major, channels last). */
export type Shape = readonly number[];

/**
 * A dense row-major float32 array: the plain-array counterpart of a `tf.Tensor`, used by every
 * reference implementation so that the oracle does not depend on tfjs.
 *
 * @example
 * ```ts
 * const a = ndarray(new Float32Array([0, 1, 1, 0]), [1, 2, 2]); // one 2x2 image
 * ```
 */
export interface NdArray {
  readonly data: Float32Array;
  readonly shape: Shape;
}

/** Number of elements of a shape (1 for the scalar shape `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Wraps `data` as an {@link NdArray} of `shape`, checking that the sizes agree and every axis is a
 * non-negative integer. Plain number arrays are copied into a new Float32Array.
 */
export function ndarray(data: Float32Array | ArrayLike<number>, shape: Shape): NdArray {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) fail('ndarray', `shape ${formatShape(shape)} has a non-integer axis`);
  }
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  if (arr.length !== sizeOf(shape)) {
    fail('ndarray', `data has ${arr.length} elements but shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
  }
  return { data: arr, shape: [...shape] };
}

/** A zero-filled {@link NdArray}. */
export function zeros(shape: Shape): NdArray {
  return { data: new Float32Array(sizeOf(shape)), shape: [...shape] };
}

/** A scalar {@link NdArray} (shape `[]`). */
export function scalar(value: number): NdArray {
  return { data: Float32Array.of(value), shape: [] };
}

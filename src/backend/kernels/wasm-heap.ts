import type { DataType, TensorInfo, TypedArray } from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';

/**
 * The part of tfjs' wasm backend (`BackendWasm`) that a JavaScript kernel needs: allocate an output on
 * the wasm heap and view any tensor's heap memory as a typed array (no copy).
 *
 * Views are invalidated when the heap grows, and `makeOutput` may grow it: allocate every output first,
 * then take the views.
 */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): TypedArray;
}

/** Returns `backend` as a {@link HeapBackend}, or throws naming `where` if it is not tfjs' wasm backend. */
export function heapBackend(where: string, backend: unknown): HeapBackend {
  const b = backend as Partial<HeapBackend> | null;
  if (b === null || typeof b?.makeOutput !== 'function' || typeof b.typedArrayFromHeap !== 'function') {
    fail(where, 'backend is not the wasm backend; expected makeOutput and typedArrayFromHeap');
  }
  return b as HeapBackend;
}

/** The float32 heap view of `t`; throws naming `where` and `arg` if `t` is not float32. */
export function f32(where: string, arg: string, b: HeapBackend, t: TensorInfo): Float32Array {
  if (t.dtype !== 'float32') fail(where, `${arg} has dtype ${t.dtype}; expected float32`);
  return b.typedArrayFromHeap(t) as Float32Array;
}

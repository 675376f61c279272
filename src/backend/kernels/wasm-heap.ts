import * as tf from '@tensorflow/tfjs';
import type { DataType, KernelConfig, KernelFunc, TensorInfo, TypedArray } from '@tensorflow/tfjs';
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

/** The kernel functions that {@link replaceKernel} displaced, by `kernelName/backendName`. */
const displaced = new Map<string, KernelFunc>();

/**
 * Registers `config`, replacing a kernel already registered under the same name and backend (tfjs
 * only warns and keeps both otherwise). The first displaced kernel function is kept and returned, so a
 * replacement can fall back to it for inputs it does not handle (e.g. string tensors); its `setupFunc`
 * is carried over so that it is still initialised when the backend starts. Idempotent.
 */
export function replaceKernel(config: KernelConfig): KernelFunc | undefined {
  const key = `${config.kernelName}/${config.backendName}`;
  const current = tf.getKernel(config.kernelName, config.backendName);
  let setupFunc = config.setupFunc;
  if (current !== undefined) {
    if (current.kernelFunc !== config.kernelFunc && !displaced.has(key))
      displaced.set(key, current.kernelFunc);
    // The displaced kernel's setup (e.g. binding its wasm function) must still run at backend start,
    // or falling back to it fails.
    setupFunc ??= current.setupFunc;
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(setupFunc === undefined ? config : { ...config, setupFunc });
  return displaced.get(key);
}

/** The kernel function displaced by {@link replaceKernel} for `kernelName` on `backendName`, if any. */
export function displacedKernel(kernelName: string, backendName: string): KernelFunc | undefined {
  return displaced.get(`${kernelName}/${backendName}`);
}

/**
 * Kernels written as plain loops over host memory, for the backends whose tensors live in this
 * process: tfjs' wasm backend (views of its heap, no copies) and the pure-JS cpu backend.
 *
 * Used for element-wise passes that tfjs would split into several kernels with a temporary each (the
 * cross-entropy map and its gradient): one loop reads every input once and writes the output once.
 */
import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';
import { f32, heapBackend } from './wasm-heap.js';

/** The backends {@link runHostKernel} serves. */
export const HOST_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

interface CpuLike {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/**
 * Runs `compute(inputs, outputs)` on float32 host arrays and returns one output tensor per shape of
 * `outShapes`. On wasm the arrays are views of the heap (the outputs are allocated first, since
 * allocating may grow the heap and invalidate views); on cpu they are the backend's own arrays.
 *
 * @param where - the kernel's name, for errors.
 * @param backend - the kernel's `backend` argument.
 * @param inputs - named inputs, all float32.
 * @example
 * ```ts
 * const kernelFunc = ({ inputs, backend }) =>
 *   runHostKernel('Double', backend, { x: inputs.x }, [inputs.x.shape], ([x], [out]) => {
 *     for (let i = 0; i < x.length; i++) out[i] = 2 * x[i];
 *   })[0];
 * ```
 */
export function runHostKernel(
  where: string,
  backend: unknown,
  inputs: Record<string, tf.TensorInfo | undefined>,
  outShapes: number[][],
  compute: (inputs: Float32Array[], outputs: Float32Array[]) => void,
): tf.TensorInfo[] {
  const entries = Object.entries(inputs);
  for (const [name, t] of entries) {
    if (t === undefined) fail(where, `input ${name} is missing`);
    if (t.dtype !== 'float32')
      fail(where, `${name} (shape ${formatShape(t.shape)}) has dtype ${t.dtype}; expected float32`);
  }
  const infos = entries.map(([, t]) => t as tf.TensorInfo);
  if (typeof (backend as { typedArrayFromHeap?: unknown } | null)?.typedArrayFromHeap === 'function') {
    const b = heapBackend(where, backend);
    const outs = outShapes.map((shape) => b.makeOutput(shape, 'float32'));
    const views = infos.map((t, i) => f32(where, entries[i][0], b, t));
    compute(
      views,
      outs.map((o) => f32(where, 'output', b, o)),
    );
    return outs;
  }
  const cpu = backend as CpuLike;
  const arrays = infos.map((t) => cpu.readSync(t.dataId) as Float32Array);
  const outs = outShapes.map((shape) => new Float32Array(shape.reduce((a, d) => a * d, 1)));
  compute(arrays, outs);
  return outs.map((o, i) => cpu.makeTensorInfo(outShapes[i], 'float32', o));
}

/**
 * The configs that run `kernelFunc` as `kernelName` on every backend of {@link HOST_KERNEL_BACKENDS},
 * for a kernel group (kernel-registry.ts).
 *
 * @example `hostKernelConfigs('SeglossCrossEntropy', kernelFunc)` gives one config for wasm, one for cpu.
 */
export function hostKernelConfigs(kernelName: string, kernelFunc: tf.KernelFunc): tf.KernelConfig[] {
  return HOST_KERNEL_BACKENDS.map((backendName) => ({ kernelName, backendName, kernelFunc }));
}

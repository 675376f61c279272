import * as tf from '@tensorflow/tfjs';
import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { displacedKernel } from './kernel-registry.js';

/**
 * `Identity` for tfjs' wasm backend without a copy: the output shares the input's heap buffer, with the
 * backend's reference count raised (as wasm's own `Reshape`, and tfjs' cpu `Identity`, do). tfjs
 * tensors are immutable, so sharing is safe. This matters for training: tfjs clones every tensor a
 * custom-gradient op saves for its backward pass (`tf.clone` runs `Identity`), and wasm's own kernel
 * copies each one, about 80 activation-sized copies per U-Net step. Strings go to tfjs' own kernel.
 */
export const identityShare: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  const backend = args.backend as unknown as { incRef?: (dataId: unknown) => void };
  if (x.dtype === 'string' || typeof backend.incRef !== 'function') {
    const original = displacedKernel(tf.Identity, 'wasm');
    if (original === undefined)
      throw new Error('segloss: Identity (wasm): no original kernel to fall back to');
    return original(args);
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** Kernel config registering {@link identityShare} as `Identity` for the `'wasm'` backend. */
export const identityShareConfig: KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identityShare,
};

/**
 * `Cast` for tfjs' wasm backend that shares the buffer when the dtype does not change (wasm's own kernel
 * copies). tfjs' ReLU gradient is `dy * cast(step(x), 'float32')`, a float32-to-float32 cast of an
 * activation-sized tensor for every ReLU. Real conversions go to tfjs' own kernel.
 */
export const castShare: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  const { dtype } = args.attrs as unknown as CastAttrs;
  if (dtype !== x.dtype) {
    const original = displacedKernel(tf.Cast, 'wasm');
    if (original === undefined) throw new Error('segloss: Cast (wasm): no original kernel to fall back to');
    return original(args);
  }
  return identityShare({ ...args, inputs: { x } });
};

/** Kernel config registering {@link castShare} as `Cast` for the `'wasm'` backend. */
export const castShareConfig: KernelConfig = {
  kernelName: tf.Cast,
  backendName: 'wasm',
  kernelFunc: castShare,
};

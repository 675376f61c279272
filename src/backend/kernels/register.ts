/**
 * Registration of segloss' extra kernels for tfjs' wasm backend.
 *
 * Extension point: each group of kernels lives in its own file in this folder and exposes a
 * {@link KernelRegistrar}; add it to {@link KERNEL_REGISTRARS} below (one import, one array entry).
 * {@link registerSeglossWasmKernels} runs every registrar once per process.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterKernel, depthwiseBackpropInputKernel } from './depthwise-backprop.js';
import { registerUNetKernels } from './unet-kernels.js';
import { tapColumnsConfigs } from './tap-columns.js';

/** Registers one group of kernels; called at most once per process by {@link registerSeglossWasmKernels}. */
export type KernelRegistrar = () => void;

/**
 * Registers `kernelFunc` as `kernelName` on the wasm backend, replacing tfjs' own kernel of that name
 * if it has one (unregistering first avoids tfjs' "already registered" warning).
 *
 * @example
 * ```ts
 * registerWasmKernel('Conv2DBackpropFilter', conv2dBackpropFilterKernel);
 * ```
 */
export function registerWasmKernel(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

/**
 * The conv-gradient kernels: `Conv2DBackpropFilter` (missing in tfjs-backend-wasm 4.22),
 * `Conv2DBackpropInput` (replaces wasm's naive loop), and the two depthwise backprop kernels (missing).
 */
export const registerConvGradKernels: KernelRegistrar = () => {
  for (const config of tapColumnsConfigs) registerWasmKernel(config.kernelName, config.kernelFunc);
  registerWasmKernel('Conv2DBackpropFilter', conv2dBackpropFilterKernel as unknown as tf.KernelFunc);
  registerWasmKernel('Conv2DBackpropInput', conv2dBackpropInputKernel as unknown as tf.KernelFunc);
  registerWasmKernel(
    'DepthwiseConv2dNativeBackpropFilter',
    depthwiseBackpropFilterKernel as unknown as tf.KernelFunc,
  );
  registerWasmKernel(
    'DepthwiseConv2dNativeBackpropInput',
    depthwiseBackpropInputKernel as unknown as tf.KernelFunc,
  );
};

/**
 * Every registrar of segloss' wasm kernels, run in order. Add new kernel groups here, e.g.
 * `registerPoolingGradKernels` from `./maxpool-grad.js`.
 */
export const KERNEL_REGISTRARS: readonly KernelRegistrar[] = [registerConvGradKernels, registerUNetKernels];

let registered = false;

/**
 * Registers all of segloss' wasm kernels ({@link KERNEL_REGISTRARS}). Idempotent: the second and later
 * calls do nothing. Safe to call before or after `tf.setBackend('wasm')`.
 *
 * @returns true when this call registered the kernels, false when they already were.
 */
export function registerSeglossWasmKernels(): boolean {
  if (registered) return false;
  registered = true;
  for (const register of KERNEL_REGISTRARS) register();
  return true;
}

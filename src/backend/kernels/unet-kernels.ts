import type { KernelConfig } from '@tensorflow/tfjs';
import { concatConfig, splitVConfig } from './concat-grad.js';
import { registerBatchNormGrad } from './batch-norm-grad.js';
import { castShareConfig, identityShareConfig } from './identity-share.js';
import { leadingMeanConfig, leadingSumConfig } from './leading-sum.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { resizeNearestNeighborGradConfig, resizeNearestNeighborGradCpuConfig } from './resize-grad.js';
import { replaceKernel } from './wasm-heap.js';
import { batchNormSimdConfigs } from './batch-norm-simd.js';

/**
 * The JavaScript kernels that make U-Net training fast on tfjs' wasm backend, beyond the convolution
 * gradients:
 * - `MaxPoolGrad`, `ResizeNearestNeighborGrad` (gradient of nearest up-sampling);
 * - `Concat` and `SplitV` (the skip-connection join and its gradient);
 * - `Sum` and `Mean` over leading axes (bias gradients, batch-norm moments) without a transpose;
 * - copy-free `Identity` (tfjs clones every tensor saved for a backward pass) and same-dtype `Cast`;
 * - for the `'cpu'` backend, a correct `ResizeNearestNeighborGrad` (tfjs 4.22's is wrong for N > 1).
 */
export const unetKernelConfigs: readonly KernelConfig[] = [
  maxPoolGradConfig,
  resizeNearestNeighborGradConfig,
  concatConfig,
  splitVConfig,
  leadingSumConfig,
  leadingMeanConfig,
  identityShareConfig,
  castShareConfig,
  resizeNearestNeighborGradCpuConfig,
];

/**
 * Registers {@link unetKernelConfigs} (wasm kernels and the cpu resize-gradient fix), replacing tfjs'
 * own kernels of the same names, and the tile-free batch-norm gradient ({@link registerBatchNormGrad},
 * for all backends). Idempotent; may be called before or after `tf.setBackend('wasm')`.
 *
 * @example
 * ```ts
 * registerUNetKernels();
 * await tf.setBackend('wasm');
 * ```
 */
export function registerUNetKernels(): void {
  for (const config of [...unetKernelConfigs, ...batchNormSimdConfigs]) replaceKernel(config);
  registerBatchNormGrad();
}

/**
 * The fixes the `'cpu'` backend needs to train the U-Net correctly: tfjs 4.22's cpu
 * `ResizeNearestNeighborGrad` is wrong for batch > 1, so the project's replaces it; and the tile-free
 * batch-norm gradient. Idempotent. Registers nothing for wasm, so a later `setupBackend('wasm')` still
 * installs the wasm kernels after tfjs' own.
 */
export function registerCpuFixes(): void {
  replaceKernel(resizeNearestNeighborGradCpuConfig);
  registerBatchNormGrad();
}

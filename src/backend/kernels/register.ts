/**
 * The list of segloss' kernel groups, and their registration.
 *
 * Extension point: a new group of kernels lives in its own file in this folder and exports its tfjs
 * `KernelConfig`s (each naming its backend, `'wasm'` or `'cpu'`) and, if any, its `GradConfig`s. Add one
 * {@link KernelGroup} entry for it to {@link KERNEL_GROUPS} below; `setupBackend` registers every group
 * through {@link registerSeglossKernels}. Callers ask {@link hasKernel} (kernel-registry.ts) whether a
 * kernel can run on the active backend and keep a tfjs-ops path for when it cannot. No file registers
 * anything on import.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { batchNormGradConfig } from './batch-norm-grad.js';
import { batchNormSimdConfigs } from './batch-norm-simd.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { crossEntropyMapConfigs } from './crossentropy-map.js';
import { depthwiseBackpropFilterKernel, depthwiseBackpropInputKernel } from './depthwise-backprop.js';
import { registerKernelGroup, type KernelGroup } from './kernel-registry.js';
import { perfKernelConfigs } from './perf-kernels.js';
import { resizeNearestNeighborGradConfig, resizeNearestNeighborGradCpuConfig } from './resize-grad.js';
import { concatConfig, splitVConfig } from './concat-grad.js';
import { castShareConfig, identityShareConfig } from './identity-share.js';
import { leadingMeanConfig, leadingSumConfig } from './leading-sum.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { tapColumnsConfig } from './tap-columns.js';

const wasm = (kernelName: string, kernelFunc: unknown): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: kernelFunc as tf.KernelFunc,
});

/**
 * The conv-gradient kernels on wasm: `Conv2DBackpropFilter` (missing in tfjs-backend-wasm 4.22),
 * `Conv2DBackpropInput` (replaces wasm's naive loop), the two depthwise backprop kernels (missing), and
 * the data-movement kernels they use (`SeglossTapColumns`, `SeglossPadCrop`, `SeglossFlipFilter`).
 */
export const convGradGroup: KernelGroup = {
  name: 'conv gradients',
  kernels: [
    tapColumnsConfig,
    ...perfKernelConfigs,
    wasm('Conv2DBackpropFilter', conv2dBackpropFilterKernel),
    wasm('Conv2DBackpropInput', conv2dBackpropInputKernel),
    wasm('DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilterKernel),
    wasm('DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInputKernel),
  ],
};

/**
 * The kernels that make U-Net training fast on tfjs' wasm backend, beyond the convolution gradients:
 * - `MaxPoolGrad`, `ResizeNearestNeighborGrad` (gradient of nearest up-sampling);
 * - `Concat` and `SplitV` (the skip-connection join and its gradient);
 * - `Sum` and `Mean` over leading axes (bias gradients, batch-norm moments) without a transpose;
 * - copy-free `Identity` (tfjs clones every tensor saved for a backward pass) and same-dtype `Cast`;
 * - training-mode batch norm (`SeglossBatchNormTrain` and its gradient, SIMD heap kernels);
 * - for the `'cpu'` backend, a correct `ResizeNearestNeighborGrad` (tfjs 4.22's is wrong for N > 1);
 * - for all backends, the tile-free `FusedBatchNorm` gradient.
 */
export const unetGroup: KernelGroup = {
  name: 'U-Net',
  kernels: [
    maxPoolGradConfig,
    resizeNearestNeighborGradConfig,
    concatConfig,
    splitVConfig,
    leadingSumConfig,
    leadingMeanConfig,
    identityShareConfig,
    castShareConfig,
    ...batchNormSimdConfigs,
    resizeNearestNeighborGradCpuConfig,
  ],
  gradients: [batchNormGradConfig],
};

/** The single-pass cross-entropy map and its gradient rows (`SeglossCrossEntropy`, wasm and cpu). */
export const crossEntropyGroup: KernelGroup = { name: 'cross-entropy', kernels: crossEntropyMapConfigs };

/** Every kernel group of segloss, registered in this order by {@link registerSeglossKernels}. */
export const KERNEL_GROUPS: readonly KernelGroup[] = [convGradGroup, unetGroup, crossEntropyGroup];

/** The backends segloss has kernels for. */
const KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

const registeredFor = new Set<string>();

/**
 * Registers every group of {@link KERNEL_GROUPS} for each backend that tfjs knows at the time of the
 * call (`'cpu'` always; `'wasm'` once `@tensorflow/tfjs-backend-wasm` has been imported, which also
 * registers tfjs' own wasm kernels, so segloss' replace them rather than being replaced). Idempotent
 * per backend; called by `setupBackend`, and by tests that set a backend themselves.
 *
 * @returns the backends registered by this call (empty when all already were).
 * @example
 * ```ts
 * await import('@tensorflow/tfjs-backend-wasm');
 * registerSeglossKernels(); // ['wasm', 'cpu'] the first time, [] after
 * ```
 */
export function registerSeglossKernels(): string[] {
  const now: string[] = [];
  for (const backendName of KERNEL_BACKENDS) {
    if (registeredFor.has(backendName) || tf.findBackendFactory(backendName) === null) continue;
    registeredFor.add(backendName);
    for (const group of KERNEL_GROUPS) registerKernelGroup(group, backendName);
    now.push(backendName);
  }
  return now;
}

/**
 * Backend choice and segloss' wasm kernels: the conv gradients (own SIMD kernels in wasm/simd-kernels.wat,
 * tfjs-ops fallbacks), the U-Net kernels, and kernels working in place on tfjs' heap
 * (wasm/heap-kernels.wat); every kernel group is listed in {@link KERNEL_GROUPS}.
 */
export { setupBackend, BACKEND_NAMES, type BackendName, type SetupBackendOptions } from './setup.js';
export { registerSeglossKernels, KERNEL_GROUPS } from './kernels/register.js';
export { hasKernel, type KernelGroup } from './kernels/kernel-registry.js';
export { valueSummary, checkTensorValues } from './value-check.js';
export { conv2dInputGradient } from './kernels/conv2d-backprop-input.js';
export { conv2dFilterGradient } from './kernels/conv2d-backprop-filter.js';
export { convGeometry, type ConvGeometry } from './kernels/conv-geometry.js';
export { useSimdKernels, useRelaxedSimd } from './wasm/simd-instance.js';

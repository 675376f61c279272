/**
 * Backend choice and segloss' wasm kernels: the conv gradients (own SIMD kernels in wasm/simd-kernels.wat,
 * tfjs-ops fallbacks), the U-Net kernels, and kernels working in place on tfjs' heap
 * (wasm/heap-kernels.wat); further kernel groups register through {@link KERNEL_REGISTRARS}.
 */
export { setupBackend, BACKEND_NAMES, type BackendName, type SetupBackendOptions } from './setup.js';
export {
  registerSeglossWasmKernels,
  registerWasmKernel,
  registerConvGradKernels,
  KERNEL_REGISTRARS,
  type KernelRegistrar,
} from './kernels/register.js';
export { conv2dInputGradient } from './kernels/conv2d-backprop-input.js';
export { conv2dFilterGradient } from './kernels/conv2d-backprop-filter.js';
export { convGeometry, type ConvGeometry } from './kernels/conv-geometry.js';
export { useSimdKernels } from './wasm/simd-instance.js';

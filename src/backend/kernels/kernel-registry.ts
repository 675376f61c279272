/**
 * The one way segloss registers a kernel, and the one way it asks whether a kernel is available.
 *
 * A kernel group ({@link KernelGroup}) is a named list of tfjs kernel configs (each naming its
 * backend) and gradient configs. `register.ts` lists every group; `setupBackend` registers them
 * through {@link registerKernelGroup}, after tfjs' own kernels of the backend are in place, so that
 * segloss' kernels replace tfjs' ones of the same name. Nothing registers on import.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc } from '@tensorflow/tfjs';

/**
 * A group of kernels that belong together (e.g. the conv gradients), registered as one.
 *
 * @example
 * ```ts
 * const doubleGroup: KernelGroup = {
 *   name: 'double',
 *   kernels: [{ kernelName: 'SeglossDouble', backendName: 'wasm', kernelFunc: doubleKernel }],
 * };
 * ```
 */
export interface KernelGroup {
  /** What the group is, for docs and errors. */
  readonly name: string;
  /** Kernel configs; each names the backend it is for (`'wasm'`, `'cpu'`). */
  readonly kernels: readonly KernelConfig[];
  /** Gradients (backend-independent in tfjs), registered with the group's first backend. */
  readonly gradients?: readonly GradConfig[];
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

/**
 * Registers the kernels of `group` that are for `backendName` (replacing tfjs' own of the same name,
 * see {@link replaceKernel}) and the group's gradients. Idempotent.
 *
 * @example `registerKernelGroup(convGradGroup, 'wasm')` (after `@tensorflow/tfjs-backend-wasm` is imported).
 */
export function registerKernelGroup(group: KernelGroup, backendName: string): void {
  for (const config of group.kernels) if (config.backendName === backendName) replaceKernel(config);
  for (const grad of group.gradients ?? []) tf.registerGradient(grad);
}

/**
 * Whether `kernelName` can run on the active backend: the one availability check of segloss' kernels
 * (a kernel registered for wasm only is unavailable while cpu is active, and vice versa).
 *
 * @example
 * ```ts
 * if (hasKernel('SeglossPadCrop')) return tf.engine().runKernel('SeglossPadCrop', { x }, attrs);
 * ```
 */
export function hasKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

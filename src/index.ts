/**
 * segloss: losses, training and evaluation for semantic segmentation with incomplete ground truth, on
 * TensorFlow.js. Channels-last `[N, H, W, C]` everywhere, class 0 = background, `(yTrue, yPred, options)`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { losses, lossFunction, setupBackend } from 'segloss';
 *
 * await setupBackend();                      // wasm with segloss' gradient kernels, or tfjs-node
 * const l = losses.missingAwareCrossEntropy(yTrue, yPred);
 * model.compile({ optimizer: 'adam', loss: lossFunction('marginal-crossentropy') });
 * ```
 */
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
export * as draw from './draw/index.js';
export * as synth from './synth/index.js';
export * as data from './data/index.js';
export * as report from './report/index.js';
export * as train from './train/index.js';
export * as backend from './backend/index.js';
export * as experiment from './experiment/index.js';
export { getLoss, listLosses, lossFunction, type LossEntry, type LossOptions } from './losses/registry.js';
export { setupBackend, type BackendName } from './backend/setup.js';
export { buildUNet, type UNetOptions } from './model/index.js';
export { runPostDemo, type PostDemoOptions, type PostDemoResult } from './experiment/post-demo.js';
export { SeglossError } from './core/errors.js';
export { ndarray, zeros, scalar, sizeOf, type NdArray, type Shape } from './core/ndarray.js';
export type { Reduction } from './core/reduction.js';

/**
 * The U-Net of a run config. Browser-safe (no Node modules): the data-parallel step workers build
 * their replicas with it in Node threads and in the lab's Web Workers.
 */
import type * as tf from '@tensorflow/tfjs';
import { buildUNet } from '../model/unet.js';
import type { RunConfig } from './config.js';

/**
 * The U-Net of `config.model` (`inputShape` `[H, W, ch]`, `numClasses` output channels, channels
 * last), with the run's seed for its initial weights: two calls give the same weights.
 *
 * @example
 * ```ts
 * const model = modelOf(config); // model.outputs[0].shape: [null, H, W, config.model.numClasses]
 * ```
 */
export function modelOf(config: RunConfig): tf.LayersModel {
  const { inputShape, numClasses, depth, baseFilters, batchNorm, dropout, decoder, output } = config.model;
  return buildUNet({
    inputShape,
    numClasses,
    depth,
    baseFilters,
    batchNorm,
    dropout,
    decoder,
    output,
    seed: config.seed,
  });
}

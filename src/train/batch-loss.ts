import * as tf from '@tensorflow/tfjs';
import { getLoss, type LossEntry } from '../losses/registry.js';
import type { RunConfig } from './config.js';
import type { TrainBatch } from '../data/batch.js';

/** The targets side of a training batch as tensors: what a step passes to the loss besides `yPred`. */
export interface BatchTargets {
  readonly loss: LossEntry;
  /** `[B, H, W, C]` one-hot targets. */
  readonly y: tf.Tensor;
  /** The run's loss options plus the batch's `annotated` `[B, C]` and `ignoreMask` `[B, H, W]` tensors. */
  readonly options: Record<string, unknown>;
  /** Every tensor made here (`y` and the masks), to dispose after the step. */
  readonly tensors: readonly tf.Tensor[];
}

/**
 * The loss of the run and its inputs for `batch`: the targets, and the options with the batch's
 * annotated mask (when the loss takes `annotated` and the options do not fix it) and its ignore mask
 * (when the batch has ignored pixels and the loss takes `ignoreMask`). Used by every step executor, so
 * one worker and many compute the same loss.
 *
 * @example
 * ```ts
 * const t = batchTargets(config, batch);
 * const value = t.loss.tensor(t.y, model.apply(x) as tf.Tensor, t.options);
 * tf.dispose([value, ...t.tensors]);
 * ```
 */
export function batchTargets(
  config: RunConfig,
  batch: Pick<TrainBatch, 'y' | 'annotated' | 'ignore'>,
): BatchTargets {
  const loss = getLoss(config.loss.name);
  const y = tf.tensor(batch.y.data, [...batch.y.shape]);
  const options: Record<string, unknown> = { ...config.loss.options };
  const tensors: tf.Tensor[] = [y];
  if (loss.takesAnnotated && options.annotated === undefined) {
    const a = tf.tensor(batch.annotated.data, [...batch.annotated.shape]);
    options.annotated = a;
    tensors.push(a);
  }
  if (batch.ignore !== null && loss.takesIgnoreMask) {
    const m = tf.tensor(batch.ignore.data, [...batch.ignore.shape]);
    options.ignoreMask = m;
    tensors.push(m);
  }
  return { loss, y, options, tensors };
}

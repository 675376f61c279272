/**
 * The step executor of one thread: the training step of `segloss train --workers 1` and of the
 * browser lab. Browser-safe (no Node modules).
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import type { Adam } from './adam.js';
import { batchTargets } from './batch-loss.js';
import type { RunConfig } from './config.js';
import type { TrainBatch } from '../data/batch.js';
import type { ExecutorFactory } from './step-executor.js';

/**
 * One optimisation step: the loss of the batch through the registry (with the batch's annotated mask
 * when the loss takes `annotated` and the options do not fix it, and its ignore mask), its gradient for
 * every trainable weight, and an Adam update. Returns the loss value; a loss that is not finite fails
 * before the update (the weights and Adam's state stay those of the step before).
 */
function trainStep(
  where: string,
  model: tf.LayersModel,
  adam: Adam,
  config: RunConfig,
  batch: TrainBatch,
  learningRate: number,
): number {
  const trainable = model.trainableWeights;
  const vars = trainable.map((w) => w.read() as tf.Variable);
  const x = tf.tensor(batch.x.data, [...batch.x.shape]);
  const { loss, y, options, tensors } = batchTargets(config, batch);
  const extra: tf.Tensor[] = [x, ...tensors];
  const { value, grads } = tf.variableGrads(
    () => loss.tensor(y, model.apply(x, { training: true }) as tf.Tensor, options) as tf.Scalar,
    vars,
  );
  const v = value.dataSync()[0];
  // Checked before the update, so that a failed step leaves the weights and Adam's moments as they were.
  if (!Number.isFinite(v)) {
    tf.dispose([value, ...Object.values(grads), ...extra]);
    fail(
      where,
      `loss is ${v} at step ${adam.iteration + 1}; lower the learning rate (--lr) or check the data`,
    );
  }
  const updates = new Map(
    trainable.map((w, i) => [w.originalName, { variable: vars[i], grad: grads[vars[i].name] }]),
  );
  adam.apply(updates, learningRate);
  tf.dispose([value, ...Object.values(grads), ...extra]);
  return v;
}

/**
 * The step executor of one thread: {@link trainStep} in this thread (`workers: 1`).
 *
 * @example `const executor = await inProcessExecutor({ model, adam, config }); await executor.step(batch, 1e-3);`
 */
export const inProcessExecutor: ExecutorFactory = async ({ model, adam, config, where }) => ({
  step: async (batch, learningRate) => trainStep(where ?? 'train', model, adam, config, batch, learningRate),
  close: async () => {},
});

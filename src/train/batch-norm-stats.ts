import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import { Random } from '../synth/random.js';
import type { TrainBatch } from '../data/batch.js';
import { loadBatch } from '../data/batch-stream.js';
import type { ItemSource } from '../data/item-source.js';

/** The fields of a tfjs-layers BatchNormalization layer that the re-estimation sets (private in its typings). */
interface BatchNormMomentum {
  momentum: number;
}

/** The batch-normalisation layers of `model` (stock or segloss' fast layer: both are 'BatchNormalization'). */
export function batchNormLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
}

/**
 * The training items whose batches re-estimate the statistics: the first `batches * batchSize` items
 * of one fixed shuffle (`Random(seed)`), or every item when the split is smaller. The same items at
 * every re-estimation of a run, so the result depends only on the weights.
 */
export function statsBatches(n: number, batches: number, batchSize: number, seed: number): number[][] {
  const order = new Random(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const take = order.slice(0, Math.min(n, batches * batchSize));
  const out: number[][] = [];
  for (let i = 0; i < take.length; i += batchSize) out.push(take.slice(i, i + batchSize));
  return out;
}

/**
 * Re-estimates the moving mean and variance of every batch-norm layer of `model` from forward passes
 * in training mode over `batches` of `source` (no gradients, no weight change), as PyTorch's
 * `torch.optim.swa_utils.update_bn` and detectron2's PreciseBN do: each layer's statistics become the
 * arithmetic mean of its per-batch statistics,
 * ```
 * moving_mean = (1/K) sum_k mean_k,    moving_var = (1/K) sum_k var_k      (k = 1..K batches)
 * ```
 * computed as a cumulative average by running batch `k` with momentum `1 - 1/k` (the layer's update
 * `moving <- moving - (moving - batch) * (1 - momentum)` then adds `(batch - moving) / k`). A batch
 * earlier in the run sees the statistics of its own weights, not of weights many steps old: with Adam
 * still moving at the end of training, momentum-averaged statistics lag the weights (the cause of the
 * single-run swings in issue 9).
 *
 * Cost: K forward passes of one training batch each (about a third of a training step each).
 * Returns the number of batches run (0 when the model has no batch norm).
 *
 * @example
 * ```ts
 * await recomputeBatchNorm(model, trainSource, statsBatches(trainSource.n, 16, 8, seed));
 * ```
 * `load` makes batch `k` from its indices (default: whole items, `loadBatch` without transforms; a run
 * with a crop passes its training transforms so that the batches have the model's input size).
 * @see Wu & Johnson 2021, "Rethinking 'Batch' in BatchNorm" (PreciseBN), https://arxiv.org/abs/2105.07576
 */
export async function recomputeBatchNorm(
  model: tf.LayersModel,
  source: ItemSource,
  batches: readonly (readonly number[])[],
  load: (indices: readonly number[], k: number) => Promise<TrainBatch> = (indices) =>
    loadBatch(source, indices, null, null, new Random(0)),
): Promise<number> {
  const layers = batchNormLayers(model) as unknown as BatchNormMomentum[];
  if (layers.length === 0) return 0;
  if (batches.length === 0) fail('recomputeBatchNorm', 'batches is empty; expected at least one batch');
  const saved = layers.map((l) => l.momentum);
  // From zero, the first batch's update `0 - (0 - batch) * 1` is exactly its statistics, so the result
  // does not depend on the statistics before (to the last bit: resumed runs stay identical).
  for (const layer of batchNormLayers(model)) {
    for (const w of layer.nonTrainableWeights) tf.tidy(() => void w.write(tf.zerosLike(w.read())));
  }
  try {
    for (const [k, indices] of batches.entries()) {
      const batch = await load(indices, k);
      for (const l of layers) l.momentum = 1 - 1 / (k + 1);
      tf.tidy(() => {
        const x = tf.tensor(batch.x.data, [...batch.x.shape]);
        model.apply(x, { training: true });
      });
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = saved[i]));
  }
  return batches.length;
}

import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, formatShape } from '../core/errors.js';
import { modelOf } from './run-model.js';
import {
  latestCheckpointDir,
  readCheckpoint,
  type Checkpoint,
  type CheckpointKind,
  type NamedArray,
} from './checkpoint.js';
import { upgradeRunConfig, type RunConfig } from './config.js';

/** `modelOf` lives in the browser-safe run-model.ts; re-exported for the Node callers of this file. */
export { modelOf };

/** Every weight of `model` (trainable and batch-norm statistics), by its stable `originalName`. */
export function readWeights(model: tf.LayersModel): NamedArray[] {
  return model.weights.map((w) => {
    const t = w.read();
    return { name: w.originalName, shape: [...t.shape], data: Float32Array.from(t.dataSync()) };
  });
}

/** Sets every weight of `model` from `weights`, matched by name; missing names or shapes differ → error. */
export function loadWeights(model: tf.LayersModel, weights: readonly NamedArray[]): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const where = 'loadWeights';
  const values = model.weights.map((w) => {
    const saved = byName.get(w.originalName);
    if (saved === undefined)
      fail(where, `checkpoint has no weight '${w.originalName}'; it was saved from another model`);
    if (saved.shape.join() !== w.shape.join()) {
      fail(
        where,
        `weight '${w.originalName}' has shape ${formatShape(saved.shape)}; the model expects ${formatShape(w.shape as number[])}`,
      );
    }
    return tf.tensor(saved.data, [...saved.shape]);
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** A trained run read back: its config, the newest checkpoint, and the model with its weights. */
export interface LoadedRun {
  readonly config: RunConfig;
  readonly checkpoint: Checkpoint;
  readonly model: tf.LayersModel;
}

/** Reads `RUN_DIR/config.json`, or fails naming what is missing. */
export function readRunConfig(runDir: string, where: string): RunConfig {
  const path = join(runDir, 'config.json');
  if (!existsSync(path))
    fail(where, `${runDir} has no config.json; expected a run folder written by segloss train`);
  let config: RunConfig;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(where, `${path} is not valid JSON (${(e as Error).message})`);
  }
  if (config?.format !== 'segloss-run') fail(where, `${path} is not a segloss run config`);
  return upgradeRunConfig(config);
}

/**
 * Loads the model of a run folder at its newest checkpoint, or with `kind: 'best'` at the checkpoint
 * with the best validation mean IoU (call after `setupBackend`). The model is the run's model: the
 * averaged weights when the run averages weights (`recipe.ema`), else the trained ones, each with the
 * batch-norm statistics saved beside them.
 *
 * @throws SeglossError when the folder has no config or no such checkpoint, or the checkpoint is corrupt.
 */
export function loadRun(runDir: string, where = 'loadRun', kind: CheckpointKind = 'latest'): LoadedRun {
  const config = readRunConfig(runDir, where);
  const dir = latestCheckpointDir(runDir, kind);
  if (dir === null) {
    fail(
      where,
      kind === 'best'
        ? `${runDir} has no best checkpoint (no best.json): the run has no validation split or predates it`
        : `${runDir} has no checkpoint yet (no latest.json); train first`,
    );
  }
  const checkpoint = readCheckpoint(dir);
  const model = modelOf(config);
  loadWeights(model, checkpoint.ema ?? checkpoint.weights);
  return { config, checkpoint, model };
}

/**
 * Predicted class per pixel of images `x` `[N, H, W, ch]` (inference mode, batch-norm moving
 * statistics), as `Uint8Array [N*H*W]`, computed `batchSize` images at a time.
 */
export function predictLabels(
  model: tf.LayersModel,
  x: { data: Float32Array; shape: readonly number[] },
  batchSize = 8,
): Uint8Array {
  const [n, h, w, ch] = x.shape;
  const p = h * w;
  const out = new Uint8Array(n * p);
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const labels = tf.tidy(() => {
      const xb = tf.tensor4d(x.data.subarray(start * p * ch, (start + b) * p * ch), [b, h, w, ch]);
      return tf.argMax(model.predict(xb) as tf.Tensor, -1);
    });
    out.set(labels.dataSync(), start * p);
    labels.dispose();
  }
  return out;
}

/** How a run's model is applied to whole images: its output kind and normalisation (see `predictImage`). */
export function predictOptionsOf(config: RunConfig): {
  output: 'softmax' | 'sigmoid' | 'logits';
  normalize: RunConfig['normalize'];
  mode?: 'binary' | 'multilabel';
} {
  const mode = config.model.mode;
  return { output: config.model.output, normalize: config.normalize ?? null, ...(mode ? { mode } : {}) };
}

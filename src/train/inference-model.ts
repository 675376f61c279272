import type * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import type { Normalization } from '../data/transforms.js';
import type { CheckpointKind } from './checkpoint.js';
import { isExportedModel, loadExportedModel } from './export.js';
import { loadRun } from './model-io.js';

/** A model ready for `predictImage`: from a run folder or an exported folder. */
export interface InferenceModel {
  readonly model: tf.LayersModel;
  readonly classNames: readonly string[];
  readonly colors?: readonly (readonly number[])[];
  readonly inputShape: readonly [number, number, number];
  readonly output: 'softmax' | 'sigmoid' | 'logits';
  /** Binary or multi-label model (sigmoid channels); absent = multiclass. */
  readonly mode?: 'binary' | 'multilabel';
  readonly normalize: Normalization | null;
  /** Training step of the weights. */
  readonly step: number;
  readonly source: 'run' | 'export';
}

/**
 * Loads `--model`: an exported folder (`model.json`, see `exportLayersModel`) or a run folder at its
 * `kind` checkpoint (see `loadRun`). Call after `setupBackend`.
 */
export async function loadInferenceModel(
  path: string,
  where: string,
  kind: CheckpointKind = 'latest',
): Promise<InferenceModel> {
  if (isExportedModel(path)) {
    if (kind !== 'latest')
      fail(where, `--checkpoint ${kind} needs a run folder; ${path} is an exported model`);
    const { model, metadata: m } = await loadExportedModel(path, where);
    return {
      model,
      classNames: m.classNames,
      colors: m.colors,
      inputShape: m.inputShape,
      output: m.output,
      ...(m.mode ? { mode: m.mode } : {}),
      normalize: m.normalize,
      step: m.step,
      source: 'export',
    };
  }
  const run = loadRun(path, where, kind);
  return {
    model: run.model,
    classNames: run.config.classNames,
    inputShape: run.config.model.inputShape,
    output: run.config.model.output,
    ...(run.config.model.mode ? { mode: run.config.model.mode } : {}),
    normalize: run.config.normalize ?? null,
    step: run.checkpoint.meta.step,
    source: 'run',
  };
}

import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import type { Normalization } from '../data/transforms.js';

/** What an exported model carries in `userDefinedMetadata` (format `segloss-export` 1). */
export interface ExportMetadata {
  readonly format: 'segloss-export';
  readonly version: 1;
  readonly classNames: readonly string[];
  /** RGB per class (the colours of predict's overlay). */
  readonly colors: readonly (readonly number[])[];
  /** `[H, W, C]`: the model's input, the window of tiled inference. */
  readonly inputShape: readonly [number, number, number];
  readonly output: 'softmax' | 'sigmoid' | 'logits';
  /** Binary or multi-label model (sigmoid channels, bitmask masks); absent = multiclass. */
  readonly mode?: 'binary' | 'multilabel';
  readonly normalize: Normalization | null;
  /** Checkpoint step exported. */
  readonly step: number;
}

const SHARD = 'group1-shard1of1.bin';

/**
 * Writes `model` as a tfjs LayersModel folder, `DIR/model.json` (topology, weights manifest,
 * `userDefinedMetadata` = `metadata`) and one weight shard, the layout `tf.loadLayersModel` reads
 * over HTTP in a browser and through `tf.io.fromMemory` in Node. The shard is written before
 * `model.json`, each atomically, so a reader never sees a model.json without its weights.
 *
 * @example
 * ```ts
 * await exportLayersModel(run.model, 'web/model', metadata);
 * ```
 */
export async function exportLayersModel(
  model: tf.LayersModel,
  dir: string,
  metadata: ExportMetadata,
): Promise<void> {
  const where = 'segloss export';
  if (existsSync(join(dir, 'model.json')))
    fail(where, `${dir} already holds a model.json; choose another --out`);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const bytes = new Uint8Array(tf.io.concatenateArrayBuffers(data as ArrayBuffer | ArrayBuffer[]));
      writeFileAtomic(where, join(dir, SHARD), bytes);
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [SHARD], weights: artifacts.weightSpecs }],
        userDefinedMetadata: metadata,
      };
      writeFileAtomic(where, join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** True when `dir` is an exported model folder (has `model.json`). */
export function isExportedModel(dir: string): boolean {
  return existsSync(join(dir, 'model.json'));
}

/**
 * Loads an exported folder with stock tfjs (`tf.loadLayersModel` over `tf.io.fromMemory`), checking
 * that every weight shard the manifest names is there and has the bytes its specs need.
 *
 * @throws SeglossError `segloss: <where>: <dir>: ...` for a missing, truncated or foreign folder.
 */
export async function loadExportedModel(
  dir: string,
  where = 'loadExportedModel',
): Promise<{ model: tf.LayersModel; metadata: ExportMetadata }> {
  const path = join(dir, 'model.json');
  let json: tf.io.ModelJSON & { userDefinedMetadata?: ExportMetadata };
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`${where}: ${path}`, `cannot read an exported model (${(e as Error).message})`);
  }
  const meta = json.userDefinedMetadata;
  if (meta?.format !== 'segloss-export')
    fail(
      `${where}: ${path}`,
      'has no segloss userDefinedMetadata; expected a folder written by segloss export',
    );
  const manifest = json.weightsManifest ?? [];
  const buffers: Uint8Array[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const file = join(dir, p);
      if (!existsSync(file)) fail(`${where}: ${dir}`, `weight shard ${p} named in model.json is missing`);
      buffers.push(readFileSync(file));
    }
  }
  const specs = manifest.flatMap((g) => g.weights);
  const bytesPer: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
  const need = specs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * (bytesPer[w.dtype] ?? 4), 0);
  const total = buffers.reduce((s, b) => s + b.length, 0);
  if (total !== need)
    fail(`${where}: ${dir}`, `weight shards hold ${total} bytes; model.json's weights need ${need}`);
  const all = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    all.set(b, off);
    off += b.length;
  }
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: all.buffer }),
  );
  return { model, metadata: meta };
}

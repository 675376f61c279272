import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import type { CursorState } from '../data/cursor.js';

/** A named float32 array (a model weight or an optimizer moment). */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** One validation: mean IoU and IoU per class (null where a class never occurs nor is predicted). */
export interface ValidationPoint {
  readonly step: number;
  readonly meanIoU: number | null;
  readonly perClassIoU: readonly (number | null)[];
}

/** The loss per step and the validations so far. */
export interface TrainHistory {
  readonly steps: number[];
  readonly loss: number[];
  readonly validation: ValidationPoint[];
}

/** Everything a resumed run needs besides tensors. */
export interface CheckpointMeta {
  readonly step: number;
  readonly configHash: string;
  readonly cursor: CursorState;
  readonly adamIteration: number;
  readonly history: TrainHistory;
  /** The best validation so far (the `best` checkpoint), or null before the first validation. */
  readonly best?: { readonly step: number; readonly meanIoU: number } | null;
}

/**
 * A complete checkpoint: meta, model weights (trainable and not) and Adam's moments; with weight
 * averaging also `ema`, every weight of the averaged model (its batch-norm statistics re-estimated).
 */
export interface Checkpoint {
  readonly meta: CheckpointMeta;
  readonly weights: readonly NamedArray[];
  readonly m: readonly NamedArray[];
  readonly v: readonly NamedArray[];
  readonly ema?: readonly NamedArray[];
}

/** Which checkpoint of a run: the newest (`latest.json`) or the best by validation mean IoU (`best.json`). */
export type CheckpointKind = 'latest' | 'best';

interface Manifest {
  readonly bytes: number;
  readonly sha256: string;
  readonly entries: { name: string; shape: number[]; offset: number; length: number }[];
}

const FORMAT = 'segloss-checkpoint';
const FILES = ['weights', 'm', 'v', 'ema'] as const;
const REQUIRED = new Set(['weights', 'm', 'v']);

function pack(arrays: readonly NamedArray[]): { bytes: Uint8Array; manifest: Manifest } {
  const total = arrays.reduce((a, t) => a + t.data.length, 0);
  const all = new Float32Array(total);
  const entries: Manifest['entries'] = [];
  let offset = 0;
  for (const t of arrays) {
    all.set(t.data, offset);
    entries.push({ name: t.name, shape: [...t.shape], offset, length: t.data.length });
    offset += t.data.length;
  }
  const bytes = new Uint8Array(all.buffer);
  return { bytes, manifest: { bytes: bytes.length, sha256: sha256(bytes), entries } };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The folder name of the checkpoint of `step`: `step-000120` (`best-000120` for the best one). */
export function checkpointName(step: number, kind: CheckpointKind = 'latest'): string {
  return `${kind === 'best' ? 'best' : 'step'}-${String(step).padStart(6, '0')}`;
}

/**
 * Writes a checkpoint so that a kill at any moment leaves the previous one usable: the files go to a
 * temporary folder `checkpoints/.step-N.tmp-<pid>`, which is renamed to `checkpoints/step-N` when
 * complete; then `latest.json` (`{step, checkpoint}`) is replaced atomically, last. Older checkpoints
 * beyond the newest `keep` are removed afterwards.
 *
 * Layout of a checkpoint folder: `meta.json` (step, config hash, data cursor, Adam step, history, and a
 * manifest with byte length and SHA-256 of each binary), `weights.bin`, `m.bin`, `v.bin` and, with
 * weight averaging, `ema.bin` (float32, little-endian, arrays concatenated in manifest order).
 *
 * `kind: 'best'` writes `checkpoints/best-N` and `best.json` instead, keeping only the newest best.
 *
 * @returns the checkpoint folder
 */
export function writeCheckpoint(
  runDir: string,
  ckpt: Checkpoint,
  keep = 2,
  kind: CheckpointKind = 'latest',
): string {
  const root = join(runDir, 'checkpoints');
  const prefix = kind === 'best' ? 'best' : 'step';
  if (kind === 'best') keep = 1;
  const name = checkpointName(ckpt.meta.step, kind);
  const final = join(root, name);
  const tmp = join(root, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const manifests: Record<string, Manifest> = {};
  for (const key of FILES) {
    const arrays = ckpt[key];
    if (arrays === undefined) continue;
    const { bytes, manifest } = pack(arrays);
    writeFileSync(join(tmp, `${key}.bin`), bytes);
    manifests[key] = manifest;
  }
  const meta = { format: FORMAT, version: 1, ...ckpt.meta, files: manifests };
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta) + '\n');
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  const pointer = { step: ckpt.meta.step, checkpoint: `checkpoints/${name}` };
  writeFileAtomic('writeCheckpoint', join(runDir, `${kind}.json`), JSON.stringify(pointer) + '\n');
  // Remove: temporary folders of killed writers, checkpoints past this step (written by a killed run
  // after its last pointer), and all but the newest `keep - 1` earlier ones.
  const entries = readdirSync(root);
  const own = new RegExp(`^${prefix}-\\d+$`);
  const earlier = entries.filter((f) => own.test(f) && f < name).sort();
  const stale = entries.filter(
    (f) => (f.startsWith(`.${prefix}-`) && f.includes('.tmp-')) || (own.test(f) && f > name),
  );
  for (const f of [...stale, ...earlier.slice(0, Math.max(0, earlier.length - (keep - 1)))]) {
    rmSync(join(root, f), { recursive: true, force: true });
  }
  return final;
}

/**
 * Reads and verifies the checkpoint folder `dir`: every file present, of the recorded length and
 * SHA-256. A cut-short or edited checkpoint fails with `segloss: readCheckpoint: <dir>: ...`.
 */
export function readCheckpoint(dir: string): Checkpoint {
  const where = `readCheckpoint: ${dir}`;
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) fail(where, 'has no meta.json; the checkpoint is incomplete (cut short?)');
  let meta: CheckpointMeta & { format?: string; files?: Record<string, Manifest> };
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  } catch (e) {
    fail(where, `meta.json is not valid JSON (${(e as Error).message}); the checkpoint is corrupt`);
  }
  if (meta.format !== FORMAT || meta.files === undefined) {
    fail(where, `meta.json is not a ${FORMAT} (format '${String(meta.format)}')`);
  }
  const arrays: Record<string, NamedArray[]> = {};
  for (const key of FILES) {
    const m = meta.files[key];
    const path = join(dir, `${key}.bin`);
    if (m === undefined && !REQUIRED.has(key)) continue;
    if (m === undefined || !existsSync(path))
      fail(where, `${key}.bin is missing; the checkpoint is incomplete`);
    const buf = readFileSync(path);
    if (buf.length !== m.bytes) {
      fail(where, `${key}.bin has ${buf.length} bytes; expected ${m.bytes} (cut short or corrupt)`);
    }
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    if (sha256(bytes) !== m.sha256)
      fail(where, `${key}.bin does not match its SHA-256; the checkpoint is corrupt`);
    const all = new Float32Array(bytes.slice().buffer);
    arrays[key] = m.entries.map((e) => ({
      name: e.name,
      shape: e.shape,
      data: all.slice(e.offset, e.offset + e.length),
    }));
  }
  const { step, configHash, cursor, adamIteration, history, best } = meta;
  return {
    meta: { step, configHash, cursor, adamIteration, history, best: best ?? null },
    weights: arrays.weights,
    m: arrays.m,
    v: arrays.v,
    ...(arrays.ema === undefined ? {} : { ema: arrays.ema }),
  };
}

/**
 * The folder `latest.json` (or, for `kind: 'best'`, `best.json`) points to, or null when the run has
 * no such checkpoint yet.
 */
export function latestCheckpointDir(runDir: string, kind: CheckpointKind = 'latest'): string | null {
  const path = join(runDir, `${kind}.json`);
  if (!existsSync(path)) return null;
  let latest: { checkpoint?: unknown };
  try {
    latest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`readCheckpoint: ${path}`, `is not valid JSON (${(e as Error).message})`);
  }
  if (typeof latest.checkpoint !== 'string') fail(`readCheckpoint: ${path}`, 'has no "checkpoint" entry');
  return join(runDir, latest.checkpoint);
}

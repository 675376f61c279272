/**
 * The settings of the lab's trainer (train-session.ts) and the run config that describes one of its
 * models in `segloss train`'s terms, which the step executors take. Browser-safe.
 */
import { fail } from '../core/errors.js';
import { getLoss } from '../losses/registry.js';
import { SCENE_CLASSES } from '../synth/scenes.js';
import type { RunConfig } from '../train/config.js';
import { checkWorkers } from '../train/step-executor.js';

/** Settings of a `LabTrainer`; every field has a default. */
export interface LabTrainOptions {
  /** One to three registered loss names, one model each. Default `['crossentropy', 'missing-aware-crossentropy']`. */
  readonly losses?: readonly string[];
  /** Seed of the data, the drops, the batch order and every model's initial weights. Default 1. */
  readonly seed?: number;
  /** Probability that a training object's annotation is dropped, in [0, 1]. Default 0.3. */
  readonly missingRate?: number;
  /** Image height and width, a multiple of 4. Default 32. */
  readonly size?: number;
  /** Training scenes. Default 96. */
  readonly trainN?: number;
  /** Validation scenes (fully labelled; the first four are drawn as overlays). Default 12. */
  readonly valN?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** U-Net filters at the first level (levels 8, 16, 32 by default). Default 8. */
  readonly baseFilters?: number;
  /** Batch normalisation after every conv of the U-Net. Default true. */
  readonly batchNorm?: boolean;
  /**
   * Workers per model's step, 1 … `batchSize`. Default 1: the step runs in the trainer's thread; more
   * split each batch into shards over that many step workers (see `startWorkerExecutor`; with batch
   * norm each shard is normalised with its own statistics, so the curves then depend on the count).
   */
  readonly workers?: number;
}

/** The resolved settings (defaults filled in). */
export type LabTrainSettings = Required<LabTrainOptions>;

/** The lab's classes: background and three object kinds. */
export const LAB_CLASSES = 4;
const WHERE = 'LabTrainer';

/**
 * Fills defaults and checks ranges, naming the setting on error.
 *
 * @example `labTrainSettings({ seed: 3 }).batchSize` is 8; `labTrainSettings({ size: 30 })` throws
 * `segloss: LabTrainer: size is 30; expected a multiple of 4 (two max-pools)`.
 */
export function labTrainSettings(options: LabTrainOptions = {}): LabTrainSettings {
  const s: LabTrainSettings = {
    losses: options.losses ?? ['crossentropy', 'missing-aware-crossentropy'],
    seed: options.seed ?? 1,
    missingRate: options.missingRate ?? 0.3,
    size: options.size ?? 32,
    trainN: options.trainN ?? 96,
    valN: options.valN ?? 12,
    batchSize: options.batchSize ?? 8,
    learningRate: options.learningRate ?? 0.003,
    baseFilters: options.baseFilters ?? 8,
    batchNorm: options.batchNorm ?? true,
    workers: options.workers ?? 1,
  };
  if (s.losses.length < 1 || s.losses.length > 3)
    fail(WHERE, `losses has ${s.losses.length} entries; expected 1 to 3`);
  s.losses.forEach((name) => getLoss(name));
  const int = (key: keyof LabTrainSettings, min: number, max: number) => {
    const v = s[key] as number;
    if (!Number.isInteger(v) || v < min || v > max)
      fail(WHERE, `${key} is ${v}; expected an integer in [${min}, ${max}]`);
  };
  int('seed', 0, 2 ** 31 - 1);
  int('size', 16, 128);
  int('trainN', 1, 4096);
  int('valN', 1, 256);
  int('batchSize', 1, 64);
  int('baseFilters', 1, 64);
  if (s.size % 4 !== 0) fail(WHERE, `size is ${s.size}; expected a multiple of 4 (two max-pools)`);
  if (!(s.missingRate >= 0 && s.missingRate <= 1))
    fail(WHERE, `missingRate is ${s.missingRate}; expected a number in [0, 1]`);
  if (!(s.learningRate > 0 && s.learningRate < 1))
    fail(WHERE, `learningRate is ${s.learningRate}; expected a number in (0, 1)`);
  if (typeof s.batchNorm !== 'boolean')
    fail(WHERE, `batchNorm is ${String(s.batchNorm)}; expected true or false`);
  checkWorkers(WHERE, s.workers, s.batchSize);
  return s;
}

/**
 * Work of one step in multiply-adds up to a constant factor: `batch · size² · filters²` (each conv of
 * the U-Net costs `H·W·C_in·C_out·9` per image, and every level's `C_in·C_out` scales with
 * `filters²` while its `H·W` scales with `size²`).
 */
function stepWork(s: Pick<LabTrainSettings, 'batchSize' | 'size' | 'baseFilters'>): number {
  return s.batchSize * s.size * s.size * s.baseFilters * s.baseFilters;
}

/**
 * The smallest shard worth a step worker, in {@link stepWork} units: 2^20, i.e. 8 images of 32x32 at
 * 16 filters or 2 of 64x64. Chosen from `bench/lab.ts` (2-core AMD EPYC, chromium 156): a step of
 * 2^19 (the lab's defaults, about 21 ms on one worker) runs 0.87x on 2 workers, because each step
 * pays a fixed ~13 ms for the messages, the coordinator's sum and Adam and the per-call costs that
 * both workers pay; a step of 2^24 (64x64, batch 16, filters 16) runs 1.61x.
 */
export const LAB_MIN_SHARD_WORK = 2 ** 20;

/**
 * The workers per model the lab uses when the URL does not say: the most, up to `cores`, the batch
 * size and 4, whose shards each keep at least {@link LAB_MIN_SHARD_WORK}; 1 without shared memory
 * (a page that is not cross-origin isolated).
 *
 * `workers = max(1, min(cores, batch, 4, ⌊batch·size²·filters² / 2^20⌋))`
 *
 * @example `labDefaultWorkers(labTrainSettings(), { cores: 2, isolated: true })` is 1 (32x32, batch
 * 8, filters 8: one shard of 2^19); with `{ size: 64, batchSize: 16, baseFilters: 16 }` it is 2.
 */
export function labDefaultWorkers(
  s: Pick<LabTrainSettings, 'batchSize' | 'size' | 'baseFilters'>,
  env: { readonly cores: number; readonly isolated: boolean },
): number {
  if (!env.isolated) return 1;
  const cap = Math.min(Math.max(1, Math.floor(env.cores) || 1), s.batchSize, 4);
  return Math.max(1, Math.min(cap, Math.floor(stepWork(s) / LAB_MIN_SHARD_WORK)));
}

/**
 * The run config of the lab's model for `loss`: its U-Net (depth 3, softmax, `[size, size, 1]` in, 4
 * classes out, the run's seed), the loss with no options (a loss that takes `annotated` gets the
 * batch's explicit mask), the batch size and a constant learning rate. The step executors read these;
 * `data`, `steps` (0: until paused), `checkpointEvery` (0: none) and `validateEvery` describe the lab's
 * run in `segloss train`'s terms and are not read by a step.
 *
 * @example `labRunConfig(labTrainSettings(), 'crossentropy').model.inputShape` is `[32, 32, 1]`.
 */
export function labRunConfig(s: LabTrainSettings, loss: string): RunConfig {
  return {
    format: 'segloss-run',
    version: 2,
    model: {
      inputShape: [s.size, s.size, 1],
      numClasses: LAB_CLASSES,
      depth: 3,
      baseFilters: s.baseFilters,
      batchNorm: s.batchNorm,
      dropout: 0,
      decoder: 'upsample',
      output: 'softmax',
    },
    loss: { name: loss, options: {} },
    data: {
      kind: 'synthetic',
      n: s.trainN,
      valN: s.valN,
      size: s.size,
      numClasses: LAB_CLASSES,
      missingRate: s.missingRate,
      absentRate: 0,
      seed: s.seed,
    },
    classNames: SCENE_CLASSES.slice(0, LAB_CLASSES),
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    recipe: { lrSchedule: { name: 'constant', warmupSteps: 0, power: 0.9 }, batchNormBatches: 0, ema: 0 },
    augment: { crop: null, scale: null, flip: false },
    normalize: null,
    seed: s.seed,
    steps: 0,
    checkpointEvery: 0,
    validateEvery: 10,
  };
}

import { createHash } from 'node:crypto';
import { fail } from '../core/errors.js';
import { lossFunction } from '../losses/registry.js';
import { checkLrSchedule, type LrSchedule } from './schedule.js';
import { checkLabelPlan, type LabelPlan } from './label-plan.js';
import type { AugmentConfig, Normalization } from '../data/transforms.js';

/** The U-Net of a run (the options of `buildUNet` that a run fixes). */
export interface ModelConfig {
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly depth: number;
  readonly baseFilters: number;
  readonly batchNorm: boolean;
  readonly dropout: number;
  readonly decoder: 'upsample' | 'transpose';
  /**
   * `'logits'` when the loss options say `fromLogits: true`, else `'softmax'` (multiclass) or
   * `'sigmoid'` (binary, multi-label).
   */
  readonly output: 'softmax' | 'sigmoid' | 'logits';
  /** Binary or multi-label data (sigmoid channels, no background); absent = multiclass. */
  readonly mode?: 'binary' | 'multilabel';
}

/** Scenes generated in memory by `synthSplits` (the same data `segloss synth` writes). */
export interface SyntheticDataConfig {
  readonly kind: 'synthetic';
  readonly n: number;
  readonly valN: number;
  readonly size: number;
  readonly numClasses: number;
  readonly missingRate: number;
  readonly absentRate: number;
  readonly seed: number;
}

/** Dataset folder(s) (see `openDataset`; several = a union): training split and optional validation split. */
export interface DatasetDataConfig {
  readonly kind: 'dataset';
  /** Absolute paths. */
  readonly dirs: readonly string[];
  readonly split: string | null;
  readonly valSplit: string | null;
}

/** Where a run's data comes from. */
export type DataConfig = SyntheticDataConfig | DatasetDataConfig;

/**
 * How the weights are optimised and which model a run ends with (issue 9: a recipe whose final model is
 * its model). Defaults: {@link DEFAULT_RECIPE}.
 */
export interface TrainingRecipe {
  /** Learning rate per step (see `learningRateAt`). */
  readonly lrSchedule: LrSchedule;
  /**
   * Training batches whose statistics replace the batch-norm moving averages before every validation,
   * every checkpoint and at the end (`recomputeBatchNorm`); 0 keeps the momentum averages of training.
   */
  readonly batchNormBatches: number;
  /** Decay of an exponential moving average of the weights (`WeightAverage`); 0 = none. */
  readonly ema: number;
}

/** The recipe of `segloss train` when no flag changes it. */
export const DEFAULT_RECIPE: TrainingRecipe = {
  lrSchedule: { name: 'cosine', warmupSteps: 0, power: 0.9 },
  batchNormBatches: 16,
  ema: 0,
};

/** The recipe of runs written before recipes existed (config version 1): constant rate, momentum statistics. */
export const LEGACY_RECIPE: TrainingRecipe = {
  lrSchedule: { name: 'constant', warmupSteps: 0, power: 0.9 },
  batchNormBatches: 0,
  ema: 0,
};

/**
 * Everything that determines a training run: with the same config (and backend) two runs produce the
 * same weights. Stored as `RUN_DIR/config.json`; a resumed run must have the same config, except
 * `steps` (a run may be extended) and `checkpointEvery`.
 */
export interface RunConfig {
  readonly format: 'segloss-run';
  readonly version: 2;
  readonly model: ModelConfig;
  readonly loss: { readonly name: string; readonly options: Record<string, unknown> };
  readonly data: DataConfig;
  /** What is done to the training labels before step 1 (absent: used as they are). */
  readonly labels?: LabelPlan;
  readonly classNames: readonly string[];
  readonly batchSize: number;
  /** Base (peak) learning rate of the schedule. */
  readonly learningRate: number;
  readonly recipe: TrainingRecipe;
  /** Training transforms (see `augmentItem`); validation and evaluation use whole images. */
  readonly augment: AugmentConfig;
  /** Per-channel normalisation of every image the model sees (training and inference), or none. */
  readonly normalize: Normalization | null;
  readonly seed: number;
  readonly steps: number;
  readonly checkpointEvery: number;
  readonly validateEvery: number;
}

/**
 * Keys that may differ between a run and its resumption: `checkpointEvery`, and `steps` when the
 * learning rate does not depend on the run length (constant schedule without warm-up), so that such a
 * run may be extended.
 */
function freeKeys(config: RunConfig): Set<string> {
  const s = config.recipe?.lrSchedule;
  const fixedLength = s === undefined || (s.name === 'constant' && s.warmupSteps === 0);
  return new Set(fixedLength ? ['steps', 'checkpointEvery'] : ['checkpointEvery']);
}

/** A config as read from disk: version-1 configs (before recipes) get {@link LEGACY_RECIPE}. */
export function upgradeRunConfig(config: RunConfig): RunConfig {
  const v = config.version as number;
  let c = config;
  if (v === 1 && c.recipe === undefined) c = { ...c, version: 2, recipe: LEGACY_RECIPE };
  const data = c.data as DataConfig & { dir?: string };
  if (data?.kind === 'dataset' && data.dir !== undefined && data.dirs === undefined) {
    const { dir, ...rest } = data;
    c = { ...c, data: { ...rest, dirs: [dir] } };
  }
  if (c.augment === undefined) c = { ...c, augment: NO_AUGMENT };
  if (c.normalize === undefined) c = { ...c, normalize: null };
  return c;
}

/** No training transforms (runs written before transforms existed, and the post's layout). */
export const NO_AUGMENT: AugmentConfig = { crop: null, scale: null, flip: false };

/** JSON with object keys sorted, so equal configs have equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** SHA-256 (hex) of the parts of `config` that fix the result (all but its free keys, see `freeKeys`). */
export function configHash(config: RunConfig): string {
  const free = freeKeys(config);
  const fixed = Object.fromEntries(Object.entries(config).filter(([k]) => !free.has(k)));
  return createHash('sha256').update(canonicalJson(fixed)).digest('hex');
}

/**
 * The top-level keys (and, for nested objects, `key.sub`) in which two configs differ, ignoring
 * `a`'s free keys (`checkpointEvery`; `steps` under a constant schedule); empty when a run with `b`
 * may resume a run with `a`.
 */
export function configDifferences(a: RunConfig, b: RunConfig): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const free = freeKeys(a);
  for (const k of keys) {
    if (free.has(k)) continue;
    const va = (a as unknown as Record<string, unknown>)[k];
    const vb = (b as unknown as Record<string, unknown>)[k];
    if (canonicalJson(va) === canonicalJson(vb)) continue;
    if (va && vb && typeof va === 'object' && typeof vb === 'object' && !Array.isArray(va)) {
      const sub = new Set([...Object.keys(va), ...Object.keys(vb)]);
      for (const s of sub) {
        const x = (va as Record<string, unknown>)[s];
        const y = (vb as Record<string, unknown>)[s];
        if (canonicalJson(x) !== canonicalJson(y))
          out.push(`${k}.${s} (${canonicalJson(x)} vs ${canonicalJson(y)})`);
      }
    } else out.push(`${k} (${canonicalJson(va)} vs ${canonicalJson(vb)})`);
  }
  return out;
}

/**
 * Checks a config before any work: positive integers, a known loss whose options it accepts, a scalar
 * reduction, and a validation/checkpoint period of at least one step. Returns it unchanged.
 *
 * @throws SeglossError `segloss: train: <field> ... expected ...`
 */
export function checkRunConfig(config: RunConfig): RunConfig {
  const where = 'train';
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) fail(where, `${name} is ${v}; expected a positive integer`);
  };
  positive('batchSize', config.batchSize);
  positive('steps', config.steps);
  positive('checkpointEvery', config.checkpointEvery);
  positive('validateEvery', config.validateEvery);
  if (!Number.isInteger(config.seed) || config.seed < 0) {
    fail(where, `seed is ${config.seed}; expected a non-negative integer`);
  }
  if (!(config.learningRate > 0 && Number.isFinite(config.learningRate))) {
    fail(where, `learningRate is ${config.learningRate}; expected a positive number`);
  }
  const r = config.recipe;
  if (r === undefined) fail(where, 'recipe is missing; expected {lrSchedule, batchNormBatches, ema}');
  checkLrSchedule(where, r.lrSchedule, config.steps);
  if (!Number.isInteger(r.batchNormBatches) || r.batchNormBatches < 0) {
    fail(where, `recipe.batchNormBatches is ${r.batchNormBatches}; expected an integer >= 0 (0 = off)`);
  }
  if (!(r.ema === 0 || (r.ema > 0 && r.ema < 1))) {
    fail(where, `recipe.ema is ${r.ema}; expected 0 (off) or a decay in (0, 1)`);
  }
  if (config.labels !== undefined) checkLabelPlan(where, config.labels);
  const a = config.augment;
  if (a === undefined) fail(where, 'augment is missing; expected {crop, scale, flip}');
  if (a.crop !== null && !(Number.isInteger(a.crop) && a.crop >= 1))
    fail(where, `augment.crop is ${a.crop}; expected a positive integer or null`);
  if (a.scale !== null && !(a.scale.length === 2 && a.scale[0] > 0 && a.scale[1] >= a.scale[0])) {
    fail(where, `augment.scale is ${JSON.stringify(a.scale)}; expected [lo, hi] with 0 < lo <= hi, or null`);
  }
  const nz = config.normalize;
  if (
    nz !== null &&
    (nz.mean.length !== config.model.inputShape[2] ||
      nz.std.length !== nz.mean.length ||
      nz.std.some((x) => !(x > 0)))
  ) {
    fail(
      where,
      `normalize has ${nz.mean.length} means and ${nz.std.length} stds; expected ${config.model.inputShape[2]} each, stds > 0`,
    );
  }
  lossFunction(config.loss.name, config.loss.options, config.model.numClasses); // bad loss or option → error
  const reduction = config.loss.options.reduction;
  if (reduction !== undefined && reduction !== 'mean' && reduction !== 'sum') {
    fail(
      where,
      `loss option reduction is '${String(reduction)}'; expected 'mean' or 'sum' (a scalar to train on)`,
    );
  }
  if (config.classNames.length !== config.model.numClasses) {
    fail(
      where,
      `classNames has ${config.classNames.length} names; expected numClasses = ${config.model.numClasses}`,
    );
  }
  return config;
}

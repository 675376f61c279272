import { fail } from '../core/errors.js';
import { SCENE_CLASSES } from '../synth/scenes.js';
import { DROP_MODES } from '../synth/drop-modes.js';
import { LR_SCHEDULES } from './schedule.js';
import type { RunConfig } from './config.js';

/** One option of a training run: its flag's type, range, default and help. */
export interface RunOption {
  readonly kind: 'int' | 'number' | 'string' | 'boolean' | 'json';
  /** Default when neither the input nor a resumed run gives it (`null` = none / derived). */
  readonly default: number | string | boolean | null;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  readonly help: string;
  /** The value a resumed run keeps when the flag is not given. */
  readonly saved?: (c: RunConfig) => unknown;
  /** `segloss experiment` passes this option through to every run. */
  readonly experiment?: boolean;
}

/**
 * The one table of run options and defaults: `runConfigFrom` reads it, `segloss train` builds its
 * flags and help from it, and `segloss experiment` takes the rows marked `experiment`. A new option is
 * a row here and a line in `runConfigFrom` (plus its use in the loop).
 */
export const RUN_OPTIONS = {
  data: {
    kind: 'string',
    default: null,
    help: "dataset folder(s), comma-separated for a union, or 'synthetic'",
  },
  loss: {
    kind: 'string',
    default: null,
    help: 'loss name (see `segloss losses`)',
    saved: (c) => c.loss.name,
  },
  options: { kind: 'json', default: null, help: 'JSON object of loss options', saved: (c) => c.loss.options },
  seed: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
    help: 'seed of weights, data order, transforms and synthetic data',
    saved: (c) => c.seed,
  },
  steps: {
    kind: 'int',
    default: 200,
    min: 1,
    help: 'optimisation steps',
    saved: (c) => c.steps,
    experiment: true,
  },
  epochs: { kind: 'int', default: null, min: 1, help: 'passes over the training data (instead of --steps)' },
  batch: {
    kind: 'int',
    default: 8,
    min: 1,
    max: 4096,
    help: 'images per step',
    saved: (c) => c.batchSize,
    experiment: true,
  },
  lr: {
    kind: 'number',
    default: 1e-3,
    min: 1e-8,
    max: 10,
    help: 'peak Adam learning rate of the schedule',
    saved: (c) => c.learningRate,
    experiment: true,
  },
  'lr-schedule': {
    kind: 'string',
    default: 'cosine',
    values: LR_SCHEDULES,
    help: 'learning rate over the steps',
    saved: (c) => c.recipe.lrSchedule.name,
    experiment: true,
  },
  warmup: {
    kind: 'int',
    default: 0,
    min: 0,
    help: 'steps of linear learning-rate warm-up',
    saved: (c) => c.recipe.lrSchedule.warmupSteps,
    experiment: true,
  },
  'poly-power': {
    kind: 'number',
    default: 0.9,
    min: 1e-6,
    max: 100,
    help: "exponent of --lr-schedule poly (nnU-Net's 0.9)",
    saved: (c) => c.recipe.lrSchedule.power,
  },
  'bn-batches': {
    kind: 'int',
    default: 16,
    min: 0,
    max: 100000,
    help: 'training batches that re-estimate batch-norm statistics before each validation and checkpoint (0 = off)',
    saved: (c) => c.recipe.batchNormBatches,
    experiment: true,
  },
  ema: {
    kind: 'number',
    default: 0,
    min: 0,
    max: 1 - 1e-9,
    help: 'decay of a weight average that becomes the model, e.g. 0.999 (0 = off)',
    saved: (c) => c.recipe.ema,
    experiment: true,
  },
  'checkpoint-every': {
    kind: 'int',
    default: 50,
    min: 1,
    help: 'steps between checkpoints',
    saved: (c) => c.checkpointEvery,
    experiment: true,
  },
  'validate-every': {
    kind: 'int',
    default: null,
    min: 1,
    help: 'steps between validations (default: checkpoint-every)',
    saved: (c) => c.validateEvery,
    experiment: true,
  },
  depth: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 8,
    help: 'U-Net levels',
    saved: (c) => c.model.depth,
    experiment: true,
  },
  filters: {
    kind: 'int',
    default: 16,
    min: 1,
    max: 1024,
    help: 'filters at the first level',
    saved: (c) => c.model.baseFilters,
    experiment: true,
  },
  'batch-norm': {
    kind: 'boolean',
    default: true,
    help: 'batch normalisation (--no-batch-norm to switch off)',
    saved: (c) => c.model.batchNorm,
  },
  dropout: {
    kind: 'number',
    default: 0,
    min: 0,
    max: 0.99,
    help: 'dropout after the bottleneck',
    saved: (c) => c.model.dropout,
  },
  decoder: {
    kind: 'string',
    default: 'upsample',
    values: ['upsample', 'transpose'],
    help: 'U-Net up-sampling',
    saved: (c) => c.model.decoder,
  },
  crop: {
    kind: 'int',
    default: null,
    min: 8,
    max: 4096,
    help: 'random S x S training crop (the model input size; smaller images padded with ignore)',
    saved: (c) => c.augment.crop,
    experiment: true,
  },
  scale: {
    kind: 'string',
    default: null,
    help: "random rescale 'lo,hi' before the crop, e.g. 0.5,2",
    saved: (c) => c.augment.scale?.join(',') ?? null,
  },
  flip: {
    kind: 'boolean',
    default: null,
    help: 'random horizontal flips (default on for datasets, off for synthetic scenes)',
    saved: (c) => c.augment.flip,
    experiment: true,
  },
  normalize: {
    kind: 'string',
    default: null,
    help: "per-channel 'mean,..:std,..' (as printed by segloss inspect)",
    saved: (c) => (c.normalize ? `${c.normalize.mean.join(',')}:${c.normalize.std.join(',')}` : null),
  },
  'drop-mode': {
    kind: 'string',
    default: null,
    values: DROP_MODES,
    help: 'object | class | subset: remove training annotations before step 1 (see dropLabels)',
    saved: (c) => c.labels?.drop?.mode ?? null,
  },
  'drop-rate': {
    kind: 'number',
    default: 0,
    min: 0,
    max: 1,
    help: 'probability (object, class) or share (subset) dropped',
    saved: (c) => c.labels?.drop?.rate,
  },
  'drop-seed': {
    kind: 'int',
    default: null,
    min: 0,
    max: 2 ** 31 - 1,
    help: 'seed of the dropped labels (default: --seed)',
    saved: (c) => c.labels?.drop?.seed,
  },
  images: {
    kind: 'string',
    default: 'all',
    values: ['all', 'complete'],
    help: 'train on every image or only those with every class annotated',
    saved: (c) => c.labels?.images,
  },
  'ignore-incomplete-background': {
    kind: 'boolean',
    default: false,
    help: 'ignore the background pixels of images that are not completely annotated',
    saved: (c) => c.labels?.ignoreIncompleteBackground,
  },
  size: {
    kind: 'int',
    default: 64,
    min: 16,
    max: 4096,
    help: 'synthetic: image size',
    saved: (c) => (c.data.kind === 'synthetic' ? c.data.size : undefined),
  },
  n: {
    kind: 'int',
    default: 64,
    min: 1,
    max: 100000,
    help: 'synthetic: training images',
    saved: (c) => (c.data.kind === 'synthetic' ? c.data.n : undefined),
  },
  'val-n': {
    kind: 'int',
    default: 16,
    min: 0,
    max: 100000,
    help: 'synthetic: validation images',
    saved: (c) => (c.data.kind === 'synthetic' ? c.data.valN : undefined),
  },
  classes: {
    kind: 'int',
    default: 4,
    min: 2,
    max: SCENE_CLASSES.length,
    help: 'synthetic: classes incl. background',
    saved: (c) => (c.data.kind === 'synthetic' ? c.data.numClasses : undefined),
  },
  'missing-rate': {
    kind: 'number',
    default: 0,
    min: 0,
    max: 1,
    help: 'synthetic: probability an object is unlabelled',
    saved: (c) => (c.data.kind === 'synthetic' ? c.data.missingRate : undefined),
  },
  'absent-rate': {
    kind: 'number',
    default: 0.2,
    min: 0,
    max: 1,
    help: 'synthetic: probability a class is absent',
    saved: (c) => (c.data.kind === 'synthetic' ? c.data.absentRate : undefined),
  },
} as const satisfies Record<string, RunOption>;

/** A run option's name (its flag without `--`). */
export type RunOptionName = keyof typeof RUN_OPTIONS;

/** Input of `runConfigFrom`: flag values as strings (CLI) or typed values (library); absent = default. */
export type RunInput = Partial<Record<RunOptionName, string | number | boolean | Record<string, unknown>>>;

/** The help text of an option with its default, for `--help`. */
export function runOptionHelp(name: RunOptionName): string {
  const o: RunOption = RUN_OPTIONS[name];
  const values = o.values ? `${o.values.join(' | ')}: ` : '';
  return o.default === null ? `${values}${o.help}` : `${values}${o.help} (default ${String(o.default)})`;
}

/**
 * Reads option `name` from `input` (parsing strings and checking the table's range or values), else
 * the resumed run's value, else the table default. `where` names the caller in errors.
 */
export function runOptionValue(
  where: string,
  input: RunInput,
  name: RunOptionName,
  base?: RunConfig,
): unknown {
  const o: RunOption = RUN_OPTIONS[name];
  const raw = input[name];
  if (raw === undefined) {
    const saved = base && o.saved ? o.saved(base) : undefined;
    return saved !== undefined ? saved : o.default;
  }
  const bad = (expected: string): never =>
    fail(
      where,
      `--${name} is '${typeof raw === 'object' ? JSON.stringify(raw) : String(raw)}'; expected ${expected}`,
    );
  if (o.kind === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    return bad('true or false');
  }
  if (o.kind === 'json') {
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw;
    let v: unknown;
    try {
      v = JSON.parse(String(raw));
    } catch (e) {
      return bad(`a JSON object (${(e as Error).message})`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) bad('a JSON object');
    return v;
  }
  if (o.kind === 'string') {
    const s = String(raw);
    if (o.values && !o.values.includes(s)) bad(o.values.join(', '));
    return s;
  }
  const v = typeof raw === 'number' ? raw : String(raw).trim() === '' ? NaN : Number(raw);
  const min = o.min ?? -Infinity;
  const max = o.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(v) || v < min || v > max || (o.kind === 'int' && !Number.isInteger(v))) {
    bad(`${o.kind === 'int' ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
  return v;
}

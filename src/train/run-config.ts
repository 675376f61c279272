import { fail } from '../core/errors.js';
import { openDataset } from '../data/dataset.js';
import { SCENE_CLASSES } from '../synth/scenes.js';
import type { LabelDropMode } from '../synth/drop-modes.js';
import type { DataConfig, RunConfig } from './config.js';
import type { LabelPlan } from './label-plan.js';
import type { LrSchedule } from './schedule.js';
import { runOptionValue, type RunInput, type RunOptionName } from './run-options.js';
import { datasetDataConfig } from './source.js';
import { lossForMode } from './mode.js';
import type { DatasetMode } from '../data/classes.js';

/** Parses `lo,hi` of `--scale`. */
function scaleOf(where: string, v: unknown): [number, number] | null {
  if (v === null) return null;
  const parts = String(v).split(',').map(Number);
  if (parts.length !== 2 || !parts.every((x) => Number.isFinite(x) && x > 0) || parts[0] > parts[1]) {
    fail(where, `--scale is '${String(v)}'; expected 'lo,hi' with 0 < lo <= hi, e.g. 0.5,2`);
  }
  return [parts[0], parts[1]];
}

/** Parses `m1,m2,m3:s1,s2,s3` of `--normalize` for `ch` channels. */
function normalizeOf(where: string, v: unknown, ch: number): RunConfig['normalize'] {
  if (v === null) return null;
  const [m, s] = String(v).split(':');
  const mean = (m ?? '').split(',').map(Number);
  const std = (s ?? '').split(',').map(Number);
  if (mean.length !== ch || std.length !== ch || !mean.every(Number.isFinite) || !std.every((x) => x > 0)) {
    fail(
      where,
      `--normalize is '${String(v)}'; expected ${ch} means and ${ch} stds > 0 as 'mean,..:std,..' (see segloss inspect)`,
    );
  }
  return { mean, std };
}

/**
 * The run config of `input` (flag values, see `RUN_OPTIONS`; when resuming, options not given keep
 * `base`'s values). Opens the dataset's headers to fix the classes and the model's input: the crop
 * when there is one, else the images' common size (several sizes need `crop`).
 *
 * @example
 * ```ts
 * const config = runConfigFrom({ data: 'VOC2012', loss: 'crossentropy', crop: 128, steps: 500 });
 * ```
 * @throws SeglossError `segloss: <where>: --<flag> ...` for a missing or bad option.
 */
export function runConfigFrom(input: RunInput, base?: RunConfig, where = 'train'): RunConfig {
  const v = (name: RunOptionName) => runOptionValue(where, input, name, base);
  const num = (name: RunOptionName) => v(name) as number;
  const givenLoss = v('loss') as string | null;
  const givenOptions = (v('options') ?? {}) as Record<string, unknown>;
  const seed = num('seed');
  const dataFlag = input.data === undefined ? undefined : String(input.data);
  if (dataFlag === undefined && base === undefined)
    fail(where, "--data is required: a dataset folder or 'synthetic'");
  let data: DataConfig;
  if (dataFlag === undefined && base?.data.kind === 'dataset') data = base.data;
  else if (dataFlag === undefined || dataFlag === 'synthetic') {
    data = {
      kind: 'synthetic',
      n: num('n'),
      valN: num('val-n'),
      size: num('size'),
      numClasses: num('classes'),
      missingRate: num('missing-rate'),
      absentRate: num('absent-rate'),
      seed: base?.data.kind === 'synthetic' ? base.data.seed : seed,
    };
  } else
    data = datasetDataConfig(
      dataFlag
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
      where,
    );
  const crop = v('crop') as number | null;
  let shape: [number, number, number];
  let classNames: string[];
  let n: number;
  let mode: DatasetMode = 'multiclass';
  if (data.kind === 'synthetic') {
    shape = crop === null ? [data.size, data.size, 1] : [crop, crop, 1];
    classNames = SCENE_CLASSES.slice(0, data.numClasses);
    n = data.n;
  } else {
    const ds = openDataset(data.dirs, data.split === null ? {} : { split: data.split });
    const sizes = new Set(ds.items.map((i) => `${i.height}x${i.width}`));
    if (crop === null && sizes.size > 1) {
      const hs = ds.items.map((i) => i.height);
      const ws = ds.items.map((i) => i.width);
      fail(
        where,
        `the training images have ${sizes.size} sizes (${Math.min(...ws)}..${Math.max(...ws)} x ${Math.min(...hs)}..${Math.max(...hs)}); pass --crop S to train on S x S crops`,
      );
    }
    shape = crop === null ? [ds.items[0].height, ds.items[0].width, ds.channels] : [crop, crop, ds.channels];
    classNames = ds.classes.map((c) => c.name);
    n = ds.items.length;
    mode = ds.mode;
  }
  const { name: lossName, options, output } = lossForMode(where, givenLoss, givenOptions, mode);
  if (mode !== 'multiclass') {
    const flag = (['drop-mode', 'images', 'ignore-incomplete-background'] as const).find(
      (k) => input[k] !== undefined,
    );
    if (flag) fail(where, `--${flag} relabels multiclass masks; the data is ${mode} (expected no --${flag})`);
  }
  const batchSize = num('batch');
  if (input.steps !== undefined && input.epochs !== undefined)
    fail(where, 'give --steps or --epochs, not both');
  const steps = input.epochs !== undefined ? Math.ceil((num('epochs') * n) / batchSize) : num('steps');
  const checkpointEvery = num('checkpoint-every');
  const dropMode = v('drop-mode') as LabelDropMode | null;
  if (
    input['drop-mode'] === undefined &&
    (input['drop-rate'] !== undefined || input['drop-seed'] !== undefined)
  ) {
    fail(where, '--drop-rate and --drop-seed need --drop-mode');
  }
  const images = v('images') as 'all' | 'complete';
  const ignoreIncomplete = v('ignore-incomplete-background') as boolean;
  const drop =
    dropMode === null
      ? null
      : { mode: dropMode, rate: num('drop-rate'), seed: (v('drop-seed') as number | null) ?? seed };
  const labels: LabelPlan | undefined =
    drop === null && images === 'all' && !ignoreIncomplete
      ? undefined
      : { drop, images, ignoreIncompleteBackground: ignoreIncomplete };
  const warmup = num('warmup');
  if (warmup > Math.max(0, steps - 1))
    fail(where, `--warmup is ${warmup}; expected at most steps - 1 = ${steps - 1}`);
  const ema = num('ema');
  if (ema !== 0 && ema < 1e-9) fail(where, `--ema is ${ema}; expected 0 (off) or a decay in (0, 1)`);
  const flip = (v('flip') as boolean | null) ?? data.kind === 'dataset';
  return {
    format: 'segloss-run',
    version: 2,
    model: {
      inputShape: shape,
      numClasses: classNames.length,
      depth: num('depth'),
      baseFilters: num('filters'),
      batchNorm: v('batch-norm') as boolean,
      dropout: num('dropout'),
      decoder: v('decoder') as 'upsample' | 'transpose',
      output,
      ...(mode === 'multiclass' ? {} : { mode }),
    },
    loss: { name: lossName, options },
    data,
    ...(labels === undefined ? {} : { labels }),
    classNames,
    batchSize,
    learningRate: num('lr'),
    recipe: {
      lrSchedule: {
        name: v('lr-schedule') as LrSchedule['name'],
        warmupSteps: warmup,
        power: num('poly-power'),
      },
      batchNormBatches: num('bn-batches'),
      ema,
    },
    augment: { crop, scale: scaleOf(where, v('scale')), flip },
    normalize: normalizeOf(where, v('normalize'), shape[2]),
    seed,
    steps,
    checkpointEvery,
    validateEvery: (v('validate-every') as number | null) ?? checkpointEvery,
  };
}

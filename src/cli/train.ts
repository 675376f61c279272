import { backendFlag } from './args.js';
import { defineCommand } from 'citty';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { setupBackend } from '../backend/setup.js';
import { openDataset } from '../data/png-dataset.js';
import { SCENE_CLASSES } from '../synth/scenes.js';
import { DEFAULT_RECIPE, type DataConfig, type RunConfig, type TrainingRecipe } from '../train/config.js';
import { LR_SCHEDULES, type LrSchedule } from '../train/schedule.js';
import { DROP_MODES, type LabelDropMode } from '../synth/drop-modes.js';
import type { LabelPlan } from '../train/label-plan.js';
import { train } from '../train/loop.js';
import { readRunConfig } from '../train/model-io.js';
import { progressReporter } from '../train/progress.js';
import { datasetDataConfig } from '../train/source.js';
import { intFlag, jsonObjectFlag, numberFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'train';
const WHERE = `segloss ${NAME}`;

type Args = Record<string, string | boolean | undefined>;

/** The run config of the flags; when resuming, flags not given keep the saved run's values. */
function configOf(args: Args, base: RunConfig | undefined): RunConfig {
  const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  const int = (k: string, min: number, fallback: number, max?: number) =>
    str(k) === undefined ? fallback : intFlag(NAME, k, str(k), min, max);
  const num = (k: string, min: number, max: number, fallback: number) =>
    str(k) === undefined ? fallback : numberFlag(NAME, k, str(k), min, max);
  const lossName = str('loss') ?? base?.loss.name;
  if (lossName === undefined) fail(WHERE, '--loss is required (see `segloss losses`)');
  const options =
    str('options') !== undefined
      ? jsonObjectFlag(NAME, 'options', str('options'))
      : (base?.loss.options ?? {});
  const seed = int('seed', 0, base?.seed ?? 0, 2 ** 31 - 1);
  let data: DataConfig;
  let shape: [number, number, number];
  let classNames: string[];
  const dataFlag = str('data');
  if (dataFlag === undefined && base === undefined)
    fail(WHERE, "--data is required: a dataset folder or 'synthetic'");
  if (dataFlag === undefined || (dataFlag === 'synthetic' && base?.data.kind === 'synthetic')) {
    const b = base as RunConfig;
    data = b.data;
    if (data.kind === 'synthetic') {
      const d = data;
      data = {
        kind: 'synthetic',
        n: int('n', 1, d.n, 100000),
        valN: int('val-n', 0, d.valN, 100000),
        size: int('size', 16, d.size, 4096),
        numClasses: int('classes', 2, d.numClasses, SCENE_CLASSES.length),
        missingRate: num('missing-rate', 0, 1, d.missingRate),
        absentRate: num('absent-rate', 0, 1, d.absentRate),
        seed: d.seed,
      };
    }
  } else if (dataFlag === 'synthetic') {
    data = {
      kind: 'synthetic',
      n: int('n', 1, 64, 100000),
      valN: int('val-n', 0, 16, 100000),
      size: int('size', 16, 64, 4096),
      numClasses: int('classes', 2, 4, SCENE_CLASSES.length),
      missingRate: num('missing-rate', 0, 1, 0),
      absentRate: num('absent-rate', 0, 1, 0.2),
      seed,
    };
  } else data = datasetDataConfig(dataFlag);
  let n: number;
  if (data.kind === 'synthetic') {
    shape = [data.size, data.size, 1];
    classNames = SCENE_CLASSES.slice(0, data.numClasses);
    n = data.n;
  } else {
    const ds = openDataset(data.dir, data.split === null ? {} : { split: data.split });
    shape = [ds.size[0], ds.size[1], ds.channels];
    classNames = ds.classes.map((c) => c.name);
    n = ds.items.length;
  }
  const batchSize = int('batch', 1, base?.batchSize ?? 8, 4096);
  if (str('steps') !== undefined && str('epochs') !== undefined)
    fail(WHERE, 'give --steps or --epochs, not both');
  const steps =
    str('epochs') !== undefined
      ? Math.ceil((intFlag(NAME, 'epochs', str('epochs'), 1) * n) / batchSize)
      : int('steps', 1, base?.steps ?? 200);
  const checkpointEvery = int('checkpoint-every', 1, base?.checkpointEvery ?? 50);
  const r = base?.recipe ?? DEFAULT_RECIPE;
  const scheduleName = str('lr-schedule') ?? r.lrSchedule.name;
  if (!(LR_SCHEDULES as readonly string[]).includes(scheduleName)) {
    fail(WHERE, `--lr-schedule is '${scheduleName}'; expected ${LR_SCHEDULES.join(', ')}`);
  }
  const dropMode = str('drop-mode');
  if (dropMode !== undefined && !(DROP_MODES as readonly string[]).includes(dropMode)) {
    fail(WHERE, `--drop-mode is '${dropMode}'; expected ${DROP_MODES.join(', ')}`);
  }
  if (dropMode === undefined && (str('drop-rate') !== undefined || str('drop-seed') !== undefined)) {
    fail(WHERE, '--drop-rate and --drop-seed need --drop-mode');
  }
  const images = str('images') ?? base?.labels?.images ?? 'all';
  if (images !== 'all' && images !== 'complete') {
    fail(WHERE, `--images is '${images}'; expected all or complete`);
  }
  const ignoreIncomplete =
    typeof args['ignore-incomplete-background'] === 'boolean'
      ? (args['ignore-incomplete-background'] as boolean)
      : (base?.labels?.ignoreIncompleteBackground ?? false);
  const drop =
    dropMode === undefined
      ? (base?.labels?.drop ?? null)
      : {
          mode: dropMode as LabelDropMode,
          rate: num('drop-rate', 0, 1, 0),
          seed: int('drop-seed', 0, seed, 2 ** 31 - 1),
        };
  const labels: LabelPlan | undefined =
    drop === null && images === 'all' && !ignoreIncomplete
      ? undefined
      : { drop, images, ignoreIncompleteBackground: ignoreIncomplete };
  const recipe: TrainingRecipe = {
    lrSchedule: {
      name: scheduleName as LrSchedule['name'],
      warmupSteps: int('warmup', 0, r.lrSchedule.warmupSteps, Math.max(0, steps - 1)),
      power: num('poly-power', 1e-6, 100, r.lrSchedule.power),
    },
    batchNormBatches: int('bn-batches', 0, r.batchNormBatches, 100000),
    ema: str('ema') === undefined ? r.ema : str('ema') === '0' ? 0 : num('ema', 1e-9, 1 - 1e-9, 0),
  };
  const m = base?.model;
  const batchNorm =
    typeof args['batch-norm'] === 'boolean' ? (args['batch-norm'] as boolean) : (m?.batchNorm ?? true);
  const decoder = str('decoder') ?? m?.decoder ?? 'upsample';
  if (decoder !== 'upsample' && decoder !== 'transpose') {
    fail(WHERE, `--decoder is '${decoder}'; expected upsample or transpose`);
  }
  return {
    format: 'segloss-run',
    version: 2,
    model: {
      inputShape: shape,
      numClasses: classNames.length,
      depth: int('depth', 1, m?.depth ?? 3, 8),
      baseFilters: int('filters', 1, m?.baseFilters ?? 16, 1024),
      batchNorm,
      dropout: num('dropout', 0, 0.99, m?.dropout ?? 0),
      decoder,
      output: options.fromLogits === true ? 'logits' : 'softmax',
    },
    loss: { name: lossName, options },
    data,
    ...(labels === undefined ? {} : { labels }),
    classNames,
    batchSize,
    learningRate: num('lr', 1e-8, 10, base?.learningRate ?? 1e-3),
    recipe,
    seed,
    steps,
    checkpointEvery,
    validateEvery: int('validate-every', 1, base?.validateEvery ?? checkpointEvery),
  };
}

/** `segloss train`: trains a U-Net with a registered loss, with checkpoints and resume. */
export const trainCommand = defineCommand({
  meta: {
    name: NAME,
    description: 'Train a U-Net on a PNG dataset or synthetic scenes with a registered loss',
  },
  args: {
    data: { type: 'string', description: "dataset folder (see segloss synth) or 'synthetic'" },
    loss: { type: 'string', description: 'loss name (see `segloss losses`)' },
    options: { type: 'string', description: 'JSON object of loss options' },
    steps: { type: 'string', description: 'optimisation steps (default 200)' },
    epochs: { type: 'string', description: 'passes over the training data (instead of --steps)' },
    batch: { type: 'string', description: 'images per step (default 8)' },
    lr: { type: 'string', description: 'peak Adam learning rate of the schedule (default 0.001)' },
    'lr-schedule': {
      type: 'string',
      description: 'cosine | poly | constant: learning rate over the steps (default cosine)',
    },
    warmup: { type: 'string', description: 'steps of linear learning-rate warm-up (default 0)' },
    'poly-power': { type: 'string', description: "exponent of --lr-schedule poly (default 0.9, nnU-Net's)" },
    'bn-batches': {
      type: 'string',
      description:
        'training batches that re-estimate batch-norm statistics before each validation and checkpoint (default 16; 0 = off)',
    },
    ema: {
      type: 'string',
      description: 'decay of a weight average that becomes the model, e.g. 0.999 (default 0 = off)',
    },
    seed: { type: 'string', description: 'seed of weights, data order and synthetic data (default 0)' },
    out: { type: 'string', description: 'run folder (checkpoints, metrics.json, curves)', required: true },
    'checkpoint-every': { type: 'string', description: 'steps between checkpoints (default 50)' },
    'validate-every': {
      type: 'string',
      description: 'steps between validations (default: checkpoint-every)',
    },
    resume: { type: 'boolean', description: 'continue the run in --out from its last checkpoint' },
    'drop-mode': {
      type: 'string',
      description: 'object | class | subset: remove training annotations before step 1 (see dropLabels)',
    },
    'drop-rate': {
      type: 'string',
      description: 'probability (object, class) or share (subset) dropped, in [0, 1]',
    },
    'drop-seed': { type: 'string', description: 'seed of the dropped labels (default: --seed)' },
    images: {
      type: 'string',
      description:
        'all | complete: train on every image or only those with every class annotated (default all)',
    },
    'ignore-incomplete-background': {
      type: 'boolean',
      description: 'ignore the background pixels of images that are not completely annotated',
    },
    depth: { type: 'string', description: 'U-Net levels (default 3)' },
    filters: { type: 'string', description: 'filters at the first level (default 16)' },
    'batch-norm': { type: 'boolean', description: 'batch normalisation (default on; --no-batch-norm)' },
    dropout: { type: 'string', description: 'dropout after the bottleneck (default 0)' },
    decoder: { type: 'string', description: 'upsample | transpose (default upsample)' },
    size: { type: 'string', description: 'synthetic: image size (default 64)' },
    n: { type: 'string', description: 'synthetic: training images (default 64)' },
    'val-n': { type: 'string', description: 'synthetic: validation images (default 16)' },
    classes: { type: 'string', description: 'synthetic: classes incl. background (default 4)' },
    'missing-rate': {
      type: 'string',
      description: 'synthetic: probability an object is unlabelled (default 0)',
    },
    'absent-rate': { type: 'string', description: 'synthetic: probability a class is absent (default 0.2)' },
    backend: { type: 'string', description: 'auto | wasm | cpu | node (default auto; env SEGLOSS_BACKEND)' },
    json: { type: 'boolean', description: 'print one JSON object at the end' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const backend = await setupBackend(backendFlag(NAME, args.backend));
    const runDir = args.out;
    const base =
      args.resume && existsSync(join(runDir, 'config.json')) ? readRunConfig(runDir, WHERE) : undefined;
    const config = configOf(args as Args, base);
    const every = Math.max(1, Math.floor(config.steps / 20));
    const progress = progressReporter(io, every);
    let result;
    try {
      result = await train({
        config,
        runDir,
        resume: Boolean(args.resume),
        onProgress: (p) => progress.update(p),
      });
    } finally {
      progress.stop();
    }
    const summary = {
      runDir,
      backend,
      steps: result.step,
      resumedFrom: result.resumedFrom,
      finalLoss: result.history.loss.at(-1) ?? null,
      validation: result.finalValidation ?? null,
      best: result.best,
      seconds: result.seconds,
      batchNormSeconds: result.batchNormSeconds,
    };
    if (args.json) {
      io.out(JSON.stringify(summary));
      return;
    }
    const v = result.finalValidation;
    io.out(
      `trained ${result.step - result.resumedFrom} step(s) on ${backend} in ${result.seconds.toFixed(1)} s` +
        (result.resumedFrom > 0 ? ` (resumed from step ${result.resumedFrom})` : ''),
    );
    io.out(`final loss ${summary.finalLoss?.toFixed(4) ?? 'n/a'}`);
    if (result.batchNormSeconds > 0)
      io.out(`batch-norm statistics re-estimated in ${result.batchNormSeconds.toFixed(1)} s in all`);
    if (v) {
      io.out(`validation mIoU ${v.meanIoU?.toFixed(4) ?? 'n/a'} at step ${v.step}`);
      config.classNames.forEach((name, k) =>
        io.out(`  ${name}: IoU ${v.perClassIoU[k]?.toFixed(4) ?? 'n/a'}`),
      );
    }
    if (result.best !== null)
      io.out(
        `best validation mIoU ${result.best.meanIoU.toFixed(4)} at step ${result.best.step} (best.json)`,
      );
    io.out(`run folder: ${runDir} (metrics.json, training-curves.png, checkpoints/)`);
  },
});

import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic.js';
import { Adam } from './adam.js';
import { getLoss } from '../losses/registry.js';
import { startWorkerExecutor } from './parallel/worker-executor.js';
import { spawnStepThread } from './parallel/spawn-thread.js';
import { inProcessExecutor } from './in-process-executor.js';
import { checkWorkers, type ExecutorFactory, type StepExecutor } from './step-executor.js';

/** `inProcessExecutor` lives in the browser-safe in-process-executor.ts; re-exported for its Node callers. */
export { inProcessExecutor };
import {
  latestCheckpointDir,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
  type TrainHistory,
  type ValidationPoint,
} from './checkpoint.js';
import { checkRunConfig, configDifferences, configHash, type RunConfig } from './config.js';
import { evaluateModel } from './evaluate.js';
import { loadWeights, modelOf, readRunConfig, readWeights } from './model-io.js';
import { writeTrainingReport } from './report.js';
import { learningRateAt } from './schedule.js';
import { recomputeBatchNorm, statsBatches } from './batch-norm-stats.js';
import { openSources } from './source.js';
import { BatchStream, loadBatch, transformRandom } from '../data/batch-stream.js';
import type { ItemSource } from '../data/item-source.js';
import { maskProblems } from '../data/inspect.js';
import { predictOptionsOf } from './model-io.js';
import { WeightAverage } from './weight-average.js';
import { applyLabelPlan } from './label-plan.js';

/** Progress of a run, after each step. */
export interface StepProgress {
  readonly step: number;
  readonly steps: number;
  readonly firstStep: number;
  readonly loss: number;
  /** The learning rate this step used (see `learningRateAt`). */
  readonly learningRate: number;
  readonly batchSize: number;
  /** Seconds since this process started training (excludes earlier, resumed parts). */
  readonly elapsed: number;
  readonly validation?: ValidationPoint;
  readonly checkpoint?: string;
}

/** Options of {@link train}. */
export interface TrainOptions {
  readonly config: RunConfig;
  readonly runDir: string;
  /** Continue from the newest complete checkpoint of `runDir` (same config required). */
  readonly resume?: boolean;
  readonly onProgress?: (p: StepProgress) => void;
  /**
   * Worker threads for data-parallel steps (default 1: the step runs in this thread); from 1 to the
   * batch size. Not part of the run config: a run may resume with another count (see
   * parallel/worker-executor.ts for what changes with batch norm).
   */
  readonly workers?: number;
  /** Replaces the step executor that `workers` selects (tests inject faults through it). */
  readonly executor?: ExecutorFactory;
}

/** What {@link train} returns. */
export interface TrainResult {
  readonly step: number;
  readonly resumedFrom: number;
  readonly history: TrainHistory;
  readonly finalValidation?: ValidationPoint;
  /** The best validation of the run (its `best` checkpoint), if it validated. */
  readonly best: { readonly step: number; readonly meanIoU: number } | null;
  readonly seconds: number;
  /** Seconds spent re-estimating batch-norm statistics in this process (part of `seconds`). */
  readonly batchNormSeconds: number;
}

const WHERE = 'train';

/** Checks the run folder against `resume` and returns the checkpoint to start from (or null). */
function prepareRunDir(config: RunConfig, runDir: string, resume: boolean): Checkpoint | null {
  const configPath = join(runDir, 'config.json');
  const hasRun = existsSync(configPath) || existsSync(join(runDir, 'latest.json'));
  if (!resume) {
    if (hasRun) {
      fail(WHERE, `${runDir} already holds a run; pass --resume to continue it, or choose another --out`);
    }
    mkdirSync(runDir, { recursive: true });
    writeFileAtomic(WHERE, configPath, JSON.stringify(config, null, 1) + '\n');
    return null;
  }
  if (!existsSync(configPath)) {
    fail(WHERE, `--resume: ${runDir} has no config.json; expected a run folder written by segloss train`);
  }
  const saved = readRunConfig(runDir, WHERE);
  const diff = configDifferences(saved, config);
  if (diff.length > 0) {
    fail(WHERE, `--resume: ${runDir} was trained with another configuration: ${diff.join('; ')}`);
  }
  const dir = latestCheckpointDir(runDir);
  if (dir === null) return null; // killed before the first checkpoint: start again
  const ckpt = readCheckpoint(dir);
  if (ckpt.meta.configHash !== configHash(config)) {
    fail(WHERE, `--resume: checkpoint ${dir} was written by another configuration (config hash differs)`);
  }
  if (ckpt.meta.step > config.steps) {
    fail(WHERE, `--resume: checkpoint is at step ${ckpt.meta.step}, past --steps ${config.steps}`);
  }
  if (config.steps !== saved.steps) {
    writeFileAtomic(WHERE, configPath, JSON.stringify(config, null, 1) + '\n');
  }
  return ckpt;
}

/** Per-class IoU of `model` on `source`'s whole images (null where undefined). */
async function validate(
  model: tf.LayersModel,
  config: RunConfig,
  source: ItemSource,
  step: number,
): Promise<ValidationPoint> {
  const r = await evaluateModel(model, source, predictOptionsOf(config));
  return { step, meanIoU: r.meanIoU, perClassIoU: r.perClass.map((c) => c.iou) };
}

/**
 * Checks the training items against the model input: without a crop every image must have the
 * model's size; with one, images smaller than the crop are padded with ignored pixels, which needs a
 * loss that takes an ignore mask.
 */
function checkSizes(config: RunConfig, source: ItemSource): void {
  const [h, w] = config.model.inputShape;
  const crop = config.augment.crop;
  for (let i = 0; i < source.n; i++) {
    const [ih, iw] = source.size(i);
    if (crop === null && (ih !== h || iw !== w)) {
      fail(
        WHERE,
        `${source.name(i)} is ${iw}x${ih} but the model input is ${w}x${h}; pass --crop to train on images of several sizes`,
      );
    }
    const lo = config.augment.scale?.[0] ?? 1; // the smallest the rescale makes it
    if (
      crop !== null &&
      (Math.round(ih * lo) < crop || Math.round(iw * lo) < crop) &&
      !('ignoreMask' in getLoss(config.loss.name).defaults)
    ) {
      fail(
        WHERE,
        `--crop ${crop} is larger than ${source.name(i)} (${iw}x${ih}, rescaled by down to ${lo}) and loss ${config.loss.name} takes no ignore mask to pad with; lower --crop`,
      );
    }
  }
}

/**
 * Trains the run's U-Net with Adam on its data, validating and checkpointing periodically, and writes
 * `RUN_DIR/metrics.json` and `RUN_DIR/training-curves.{png,svg}`. Deterministic: the data order comes
 * from `Random(seed + 1)` epoch shuffles, the weights from `seed`; a run resumed from a checkpoint ends
 * with the same weights and metrics as an uninterrupted one. Call `setupBackend` first.
 *
 * Validation (per-class IoU on the held-out split, inference mode) runs every `validateEvery` steps
 * and at the end; checkpoints (see `writeCheckpoint`) every `checkpointEvery` steps and at the end.
 *
 * @example
 * ```ts
 * await setupBackend('auto');
 * await train({ config, runDir: 'runs/a' });
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const config = checkRunConfig(options.config);
  const { runDir } = options;
  const workers = options.workers ?? 1;
  checkWorkers(WHERE, workers, config.batchSize);
  const ch = config.model.inputShape[2];
  const opened = openSources(config.data, ch as 1 | 3);
  // Every mask decoded once before anything is written (a bad file fails here, not at step 1000).
  const problems = [opened.train, opened.val].flatMap((s) => (s?.dataset ? maskProblems(s.dataset) : []));
  if (problems.length > 0) {
    const list = problems.slice(0, 5).map((p) => `${p.file}: ${p.problem}`);
    fail(
      WHERE,
      `${problems.length} bad file(s), nothing trained: ${list.join('; ')}${problems.length > 5 ? '; ...' : ''} (see segloss inspect)`,
    );
  }
  const val = opened.val?.source;
  const source =
    config.labels === undefined
      ? opened.train.source
      : await applyLabelPlan(opened.train.source, config.labels);
  checkSizes(config, source);
  const ckpt = prepareRunDir(config, runDir, options.resume ?? false);
  const { recipe } = config;
  const model = modelOf(config);
  const adam = new Adam({ learningRate: config.learningRate });
  let stream = new BatchStream(source, {
    batchSize: config.batchSize,
    seed: config.seed + 1,
    augment: config.augment,
    normalize: config.normalize,
  });
  const history: TrainHistory = { steps: [], loss: [], validation: [] };
  const start = ckpt?.meta.step ?? 0;
  let best = ckpt?.meta.best ?? null;
  if (ckpt !== null) {
    loadWeights(model, ckpt.weights);
    const toMap = (list: Checkpoint['m']) =>
      new Map(list.map((t) => [t.name, { shape: [...t.shape], data: t.data }]));
    adam.restore({ iteration: ckpt.meta.adamIteration, m: toMap(ckpt.m), v: toMap(ckpt.v) });
    stream = new BatchStream(source, {
      ...stream.options,
      resume: { cursor: ckpt.meta.cursor, batches: start },
    });
    history.steps.push(...ckpt.meta.history.steps);
    history.loss.push(...ckpt.meta.history.loss);
    history.validation.push(...ckpt.meta.history.validation);
  }
  // With weight averaging the run's model is a second instance holding the average.
  const ema = recipe.ema > 0 ? new WeightAverage(model, recipe.ema) : null;
  const averaged = ema === null ? null : modelOf(config);
  if (ema !== null && ckpt !== null) {
    if (ckpt.ema === undefined) fail(WHERE, `--resume: checkpoint of step ${start} has no averaged weights`);
    ema.restore(ckpt.ema);
  }
  const statBatches =
    recipe.batchNormBatches > 0
      ? statsBatches(source.n, recipe.batchNormBatches, config.batchSize, config.seed + 2)
      : [];
  let batchNormSeconds = 0;
  let preparedAt = -1;
  /** The run's model at `step`: averaged weights if any, batch-norm statistics re-estimated if asked. */
  const statBatch = (indices: readonly number[], k: number) =>
    loadBatch(source, indices, config.augment, config.normalize, transformRandom(config.seed + 2, k));
  const runModel = async (step: number): Promise<tf.LayersModel> => {
    const target = averaged ?? model;
    if (preparedAt === step) return target;
    if (ema !== null && averaged !== null) {
      // Re-estimated below; without re-estimation the average borrows the trained model's statistics.
      ema.copyTo(averaged, statBatches.length === 0 ? model : undefined);
    }
    if (statBatches.length > 0) {
      const t = performance.now();
      await recomputeBatchNorm(target, source, statBatches, statBatch);
      batchNormSeconds += (performance.now() - t) / 1000;
    }
    preparedAt = step;
    return target;
  };
  const t0 = performance.now();
  const hash = configHash(config);
  const checkpointOf = (step: number): Checkpoint => {
    const state = adam.state();
    const list = (m: ReturnType<Adam['state']>['m']) => [...m].map(([name, t]) => ({ name, ...t }));
    return {
      meta: {
        step,
        configHash: hash,
        cursor: stream.state().cursor,
        adamIteration: state.iteration,
        history,
        best,
      },
      weights: readWeights(model),
      m: list(state.m),
      v: list(state.v),
      ...(averaged === null ? {} : { ema: readWeights(averaged) }),
    };
  };
  const save = async (step: number): Promise<string> => {
    await runModel(step);
    const dir = writeCheckpoint(runDir, checkpointOf(step));
    writeTrainingReport(runDir, config, history);
    return dir;
  };
  const executor: StepExecutor = await (
    options.executor ??
    (workers > 1
      ? (parts) => startWorkerExecutor({ ...parts, workers, spawn: spawnStepThread })
      : inProcessExecutor)
  )({ model, adam, config });
  for (let step = start + 1; step <= config.steps; step++) {
    const batch = await stream.next();
    const learningRate = learningRateAt(recipe.lrSchedule, config.learningRate, step, config.steps);
    const loss = await executor.step(batch, learningRate);
    ema?.update(step);
    history.steps.push(step);
    history.loss.push(loss);
    const last = step === config.steps;
    let validation: ValidationPoint | undefined;
    if (val !== undefined && (step % config.validateEvery === 0 || last)) {
      validation = await validate(await runModel(step), config, val, step);
      history.validation.push(validation);
      if (validation.meanIoU !== null && (best === null || validation.meanIoU > best.meanIoU)) {
        best = { step, meanIoU: validation.meanIoU };
        writeCheckpoint(runDir, checkpointOf(step), 1, 'best');
      }
    }
    const checkpoint = step % config.checkpointEvery === 0 || last ? await save(step) : undefined;
    options.onProgress?.({
      step,
      steps: config.steps,
      firstStep: start + 1,
      loss,
      learningRate,
      batchSize: config.batchSize,
      elapsed: (performance.now() - t0) / 1000,
      validation,
      checkpoint,
    });
    // Let a signal handler or a progress redraw run between steps.
    if (step % 10 === 0) await new Promise((r) => setImmediate(r));
  }
  if (start === config.steps) writeTrainingReport(runDir, config, history);
  await executor.close();
  adam.dispose();
  ema?.dispose();
  averaged?.dispose();
  model.dispose();
  return {
    step: config.steps,
    resumedFrom: start,
    history,
    finalValidation: history.validation.at(-1),
    best,
    seconds: (performance.now() - t0) / 1000,
    batchNormSeconds,
  };
}

/**
 * Training in the browser lab: one small U-Net per chosen loss, all from the same seed, trained side by
 * side on the same synthetic batches with dropped annotations, validated on fully labelled scenes.
 * Browser-safe (no Node modules): the lab's Web Worker drives it step by step. Each model's step is
 * `segloss train`'s: `inProcessExecutor` with one worker, `startWorkerExecutor` with more.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import { confusionStats } from '../metrics/confusion.js';
import { MetricAccumulator } from '../metrics/accumulator.js';
import { dropAnnotationsAtRate } from '../synth/drop.js';
import { oneHot } from '../synth/labels.js';
import { Random } from '../synth/random.js';
import { synthScenes } from '../synth/scenes.js';
import { Adam } from '../train/adam.js';
import type { TrainBatch } from '../data/batch.js';
import type { RunConfig } from '../train/config.js';
import { inProcessExecutor } from '../train/in-process-executor.js';
import { modelOf } from '../train/run-model.js';
import type { SpawnStepWorker } from '../train/parallel/protocol.js';
import { startWorkerExecutor } from '../train/parallel/worker-executor.js';
import type { StepExecutor } from '../train/step-executor.js';
import {
  LAB_CLASSES,
  labRunConfig,
  labTrainSettings,
  type LabTrainOptions,
  type LabTrainSettings,
} from './train-settings.js';

/** Validation of every model: one entry per loss, in the order of `losses`. */
export interface LabValidation {
  readonly step: number;
  /** Mean IoU over the 4 classes on the validation scenes. */
  readonly meanIoU: readonly number[];
  /** (image, class) pairs where the class is absent from the truth but predicted on at least one pixel. */
  readonly falsePositives: readonly number[];
  /** Per model, the predicted classes `[V*H*W]` of the validation scenes. */
  readonly predictions: readonly Uint8Array[];
}

/** What the trainer needs from its platform. */
export interface LabTrainPlatform {
  /**
   * Starts one step worker (needed when `workers` > 1): a module Web Worker in the lab
   * (web/spawn-step-worker.ts), `spawnStepThread` in Node.
   */
  readonly spawn?: SpawnStepWorker;
}

const WHERE = 'LabTrainer';

/**
 * One U-Net (depth 3, softmax output) per loss, identical initial weights (`seed`), each with its own
 * Adam, trained on the same batches: scenes from `synthScenes(seed)` whose object annotations are
 * dropped at `missingRate` (`dropAnnotationsAtRate`, seed + 2), taken in epoch shuffles of
 * `Random(seed + 1)`. A loss that takes `annotated` gets the batch's explicit mask. Validation scenes
 * (`synthScenes(seed + 3)`) keep every label. With `workers` > 1 each model's step is split over that
 * many step workers started by `platform.spawn`. Call `setupBackend` first.
 *
 * @example
 * ```ts
 * const t = new LabTrainer({ losses: ['crossentropy'], seed: 1 });
 * await t.step(); // [1.52]: the loss of each model on batch 1
 * t.validate().meanIoU; // [0.19]
 * await t.dispose();
 * ```
 */
export class LabTrainer {
  readonly settings: LabTrainSettings;
  readonly models: readonly tf.LayersModel[];
  /** Validation images `[V, size, size, 1]` in [0, 1] and their full labels `[V*size*size]`. */
  readonly valImages: Float32Array;
  readonly valLabels: Uint8Array;
  private readonly configs: readonly RunConfig[];
  private readonly optimizers: Adam[];
  private readonly spawn: SpawnStepWorker | undefined;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private readonly annotated: Float32Array;
  private readonly labels: Uint8Array;
  private readonly rng: Random;
  private executors: Promise<StepExecutor[]> | null = null;
  /** The step in progress (or the last one), so that steps run one at a time and dispose waits. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private order: number[] = [];
  private cursor = 0;
  private steps = 0;

  constructor(options: LabTrainOptions = {}, platform: LabTrainPlatform = {}) {
    const s = labTrainSettings(options);
    if (s.workers > 1 && platform.spawn === undefined)
      fail(WHERE, `workers is ${s.workers}; more than 1 needs platform.spawn to start the step workers`);
    this.settings = s;
    this.spawn = platform.spawn;
    const scenes = synthScenes({ n: s.trainN, size: s.size, seed: s.seed, numClasses: LAB_CLASSES });
    const drop = dropAnnotationsAtRate(scenes.labels, scenes.present, s.missingRate, s.seed + 2);
    this.x = Float32Array.from(scenes.images.data);
    this.y = Float32Array.from(oneHot(drop.labels, LAB_CLASSES).data);
    this.annotated = Float32Array.from(drop.annotated.data);
    this.labels = Uint8Array.from(drop.labels.data);
    const val = synthScenes({ n: s.valN, size: s.size, seed: s.seed + 3, numClasses: LAB_CLASSES });
    this.valImages = Float32Array.from(val.images.data);
    this.valLabels = Uint8Array.from(val.labels.data);
    this.rng = new Random(s.seed + 1);
    this.configs = s.losses.map((loss) => labRunConfig(s, loss));
    this.models = this.configs.map((c) => modelOf(c));
    this.optimizers = s.losses.map(() => new Adam({ learningRate: s.learningRate }));
  }

  /** Steps taken so far. */
  get stepsTaken(): number {
    return this.steps;
  }

  /**
   * Starts every model's step executor (with `workers` > 1: its step workers, each with its backend and
   * replica) and resolves when all are ready; {@link step} calls it. Rejects with a one-line error when
   * a worker fails to start.
   */
  start(): Promise<void> {
    if (this.disposed) fail(WHERE, 'the trainer is disposed');
    this.executors ??= this.startExecutors();
    return this.executors.then(() => {});
  }

  private async startExecutors(): Promise<StepExecutor[]> {
    const { workers } = this.settings;
    const spawn = this.spawn as SpawnStepWorker;
    const started = await Promise.allSettled(
      this.models.map((model, k) => {
        const parts = { model, adam: this.optimizers[k], config: this.configs[k], where: WHERE };
        return workers > 1 ? startWorkerExecutor({ ...parts, workers, spawn }) : inProcessExecutor(parts);
      }),
    );
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed === undefined) return ok;
    await Promise.all(ok.map((e) => e.close()));
    throw failed.reason;
  }

  /** The next batch's scene indices (a new shuffle of all scenes at each epoch start). */
  private nextIndices(): number[] {
    const out: number[] = [];
    while (out.length < this.settings.batchSize) {
      if (this.cursor >= this.order.length) {
        this.order = this.rng.shuffle(Array.from({ length: this.settings.trainN }, (_, i) => i));
        this.cursor = 0;
      }
      out.push(this.order[this.cursor++]);
    }
    return out;
  }

  /** The next batch: images `[B, size, size, 1]`, one-hot targets, explicit annotated masks `[B, 4]`. */
  private nextBatch(): TrainBatch {
    const { size } = this.settings;
    const idx = this.nextIndices();
    const b = idx.length;
    const p = size * size;
    const gather = <T extends Float32Array | Uint8Array>(src: T, per: number, out: T) => {
      idx.forEach((i, j) => out.set(src.subarray(i * per, (i + 1) * per), j * per));
      return out;
    };
    const c = LAB_CLASSES;
    return {
      x: { data: gather(this.x, p, new Float32Array(b * p)), shape: [b, size, size, 1] },
      y: { data: gather(this.y, p * c, new Float32Array(b * p * c)), shape: [b, size, size, c] },
      annotated: { data: gather(this.annotated, c, new Float32Array(b * c)), shape: [b, c] },
      ignore: null,
      labels: gather(this.labels, p, new Uint8Array(b * p)),
    };
  }

  /**
   * One Adam step of every model on the same batch (the models one after another); resolves to each
   * model's loss on it. Steps run one at a time.
   */
  step(): Promise<number[]> {
    const next = this.queue.then(() => this.runStep());
    this.queue = next.catch(() => {});
    return next;
  }

  private async runStep(): Promise<number[]> {
    await this.start();
    const executors = await (this.executors as Promise<StepExecutor[]>);
    const batch = this.nextBatch();
    const values: number[] = [];
    for (const e of executors) values.push(await e.step(batch, this.settings.learningRate));
    this.steps++;
    return values;
  }

  /** Mean IoU, false positives on absent classes and predicted labels of every model on the validation scenes. */
  validate(): LabValidation {
    const { size, valN } = this.settings;
    const p = size * size;
    const meanIoU: number[] = [];
    const falsePositives: number[] = [];
    const predictions: Uint8Array[] = [];
    for (const model of this.models) {
      const pred = tf.tidy(() => {
        const x = tf.tensor4d(this.valImages, [valN, size, size, 1]);
        return tf.argMax(model.predict(x) as tf.Tensor, -1).dataSync();
      });
      const labels = Uint8Array.from(pred);
      const acc = new MetricAccumulator(LAB_CLASSES);
      acc.add(this.valLabels, labels, valN);
      meanIoU.push(acc.summary().meanIoU);
      const s = confusionStats(this.valLabels, labels, { n: valN, numClasses: LAB_CLASSES });
      let fp = 0;
      for (let i = 0; i < valN; i++) {
        for (let c = 1; c < LAB_CLASSES; c++) {
          const k = i * LAB_CLASSES + c;
          if (s.tp[k] + s.fn[k] === 0 && s.fp[k] > 0) fp++;
        }
      }
      falsePositives.push(fp);
      predictions.push(labels.length === valN * p ? labels : labels.subarray(0, valN * p));
    }
    return { step: this.steps, meanIoU, falsePositives, predictions };
  }

  /**
   * Waits for the step in progress, then ends the step workers and frees every model and optimizer
   * state; the trainer takes no more steps.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.queue;
    const executors = this.executors === null ? [] : await this.executors.catch(() => []);
    await Promise.all(executors.map((e) => e.close()));
    this.optimizers.forEach((o) => o.dispose());
    this.models.forEach((m) => m.dispose());
  }
}

/**
 * Training in the browser lab: one small U-Net per chosen loss, all from the same seed, trained side by
 * side on the same synthetic batches with dropped annotations, validated on fully labelled scenes.
 * Browser-safe (no Node modules): the lab's Web Worker drives it step by step.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import { confusionStats } from '../metrics/confusion.js';
import { MetricAccumulator } from '../metrics/accumulator.js';
import { buildUNet } from '../model/unet.js';
import { getLoss } from '../losses/registry.js';
import { dropAnnotationsAtRate } from '../synth/drop.js';
import { oneHot } from '../synth/labels.js';
import { Random } from '../synth/random.js';
import { synthScenes } from '../synth/scenes.js';
import { Adam } from '../train/adam.js';

/** Settings of a {@link LabTrainer}; every field has a default. */
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
}

/** The resolved settings (defaults filled in). */
export type LabTrainSettings = Required<LabTrainOptions>;

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

const WHERE = 'LabTrainer';
const NUM_CLASSES = 4;

/** Fills defaults and checks ranges, naming the setting on error. */
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
  return s;
}

/**
 * One U-Net (depth 3, softmax output) per loss, identical initial weights (`seed`), each with its own
 * Adam, trained on the same batches: scenes from `synthScenes(seed)` whose object annotations are
 * dropped at `missingRate` (`dropAnnotationsAtRate`, seed + 2), taken in epoch shuffles of
 * `Random(seed + 1)`. A loss that takes `annotated` gets the batch's explicit mask. Validation scenes
 * (`synthScenes(seed + 3)`) keep every label. Call `setupBackend` first.
 *
 * @example
 * ```ts
 * const t = new LabTrainer({ losses: ['crossentropy'], seed: 1 });
 * t.step(); // [1.52]: the loss of each model on batch 1
 * t.validate().meanIoU; // [0.19]
 * t.dispose();
 * ```
 */
export class LabTrainer {
  readonly settings: LabTrainSettings;
  readonly models: readonly tf.LayersModel[];
  /** Validation images `[V, size, size, 1]` in [0, 1] and their full labels `[V*size*size]`. */
  readonly valImages: Float32Array;
  readonly valLabels: Uint8Array;
  private readonly optimizers: Adam[];
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private readonly annotated: Float32Array;
  private readonly rng: Random;
  private order: number[] = [];
  private cursor = 0;
  private steps = 0;

  constructor(options: LabTrainOptions = {}) {
    const s = labTrainSettings(options);
    this.settings = s;
    const scenes = synthScenes({ n: s.trainN, size: s.size, seed: s.seed, numClasses: NUM_CLASSES });
    const drop = dropAnnotationsAtRate(scenes.labels, scenes.present, s.missingRate, s.seed + 2);
    this.x = Float32Array.from(scenes.images.data);
    this.y = Float32Array.from(oneHot(drop.labels, NUM_CLASSES).data);
    this.annotated = Float32Array.from(drop.annotated.data);
    const val = synthScenes({ n: s.valN, size: s.size, seed: s.seed + 3, numClasses: NUM_CLASSES });
    this.valImages = Float32Array.from(val.images.data);
    this.valLabels = Uint8Array.from(val.labels.data);
    this.rng = new Random(s.seed + 1);
    this.models = s.losses.map(() =>
      buildUNet({
        inputShape: [s.size, s.size, 1],
        numClasses: NUM_CLASSES,
        depth: 3,
        baseFilters: s.baseFilters,
        seed: s.seed,
      }),
    );
    this.optimizers = s.losses.map(() => new Adam({ learningRate: s.learningRate }));
  }

  /** Steps taken so far. */
  get stepsTaken(): number {
    return this.steps;
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

  /** One Adam step of every model on the same batch; returns each model's loss on it. */
  step(): number[] {
    const { size, losses } = this.settings;
    const idx = this.nextIndices();
    const b = idx.length;
    const p = size * size;
    const gather = (src: Float32Array, per: number) => {
      const out = new Float32Array(b * per);
      idx.forEach((i, j) => out.set(src.subarray(i * per, (i + 1) * per), j * per));
      return out;
    };
    const x = tf.tensor4d(gather(this.x, p), [b, size, size, 1]);
    const y = tf.tensor4d(gather(this.y, p * NUM_CLASSES), [b, size, size, NUM_CLASSES]);
    const a = tf.tensor2d(gather(this.annotated, NUM_CLASSES), [b, NUM_CLASSES]);
    const values = losses.map((name, k) => {
      const loss = getLoss(name);
      const model = this.models[k];
      const options = 'annotated' in loss.defaults ? { annotated: a } : {};
      const trainable = model.trainableWeights;
      const vars = trainable.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => loss.tensor(y, model.apply(x, { training: true }) as tf.Tensor, options) as tf.Scalar,
        vars,
      );
      this.optimizers[k].apply(
        new Map(trainable.map((w, i) => [w.originalName, { variable: vars[i], grad: grads[vars[i].name] }])),
      );
      const v = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      return v;
    });
    tf.dispose([x, y, a]);
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
      const acc = new MetricAccumulator(NUM_CLASSES);
      acc.add(this.valLabels, labels, valN);
      meanIoU.push(acc.summary().meanIoU);
      const s = confusionStats(this.valLabels, labels, { n: valN, numClasses: NUM_CLASSES });
      let fp = 0;
      for (let i = 0; i < valN; i++) {
        for (let c = 1; c < NUM_CLASSES; c++) {
          const k = i * NUM_CLASSES + c;
          if (s.tp[k] + s.fn[k] === 0 && s.fp[k] > 0) fp++;
        }
      }
      falsePositives.push(fp);
      predictions.push(labels.length === valN * p ? labels : labels.subarray(0, valN * p));
    }
    return { step: this.steps, meanIoU, falsePositives, predictions };
  }

  /** Frees every model and optimizer state. */
  dispose(): void {
    this.optimizers.forEach((o) => o.dispose());
    this.models.forEach((m) => m.dispose());
  }
}

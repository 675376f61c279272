import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import type { NamedArray } from './checkpoint.js';

/**
 * The decay used at update `t` (1-based) for a nominal decay `decay`, with TensorFlow's
 * `ExponentialMovingAverage(num_updates=t)` warm-up:
 * ```
 * d_t = min(decay, (1 + t) / (10 + t))
 * ```
 * so that a short run is not dominated by its initial weights (at `decay = 0.999` without warm-up the
 * initial weights would still carry `0.999^300 = 0.74` of the average after 300 steps).
 *
 * @example
 * ```ts
 * emaDecayAt(0.999, 1);    // 0.1818...
 * emaDecayAt(0.999, 1e5);  // 0.999
 * ```
 */
export function emaDecayAt(decay: number, t: number): number {
  return Math.min(decay, (1 + t) / (10 + t));
}

/**
 * An exponential moving average of a model's trainable weights (as timm's `ModelEma`), kept as
 * variables beside the model and updated after every optimiser step:
 * ```
 * ema <- d_t * ema + (1 - d_t) * w         (d_t: emaDecayAt(decay, t))
 * ```
 * The average starts at the initial weights. Batch-norm statistics are not averaged: an averaged model
 * gets statistics of its own by re-estimation (`recomputeBatchNorm`), since running averages of other
 * weights' statistics do not describe it.
 *
 * @example
 * ```ts
 * const ema = new WeightAverage(model, 0.999);
 * // after each adam.apply(...):
 * ema.update(step);
 * ema.copyTo(evalModel); // evalModel: a second instance of the same architecture
 * ```
 * @see Polyak & Juditsky 1992; timm's `ModelEmaV3` (warm-up), TensorFlow's ExponentialMovingAverage
 */
export class WeightAverage {
  private readonly shadow = new Map<string, tf.Variable>();

  constructor(
    private readonly model: tf.LayersModel,
    readonly decay: number,
  ) {
    if (!(decay > 0 && decay < 1)) fail('WeightAverage', `decay is ${decay}; expected a number in (0, 1)`);
    for (const w of model.trainableWeights) {
      this.shadow.set(w.originalName, tf.variable(w.read(), false));
    }
  }

  /** One update after optimiser step `t` (1-based). */
  update(t: number): void {
    const d = emaDecayAt(this.decay, t);
    tf.tidy(() => {
      for (const w of this.model.trainableWeights) {
        const s = this.shadow.get(w.originalName) as tf.Variable;
        s.assign(tf.add(tf.mul(s, d), tf.mul(w.read(), 1 - d)));
      }
    });
  }

  /**
   * Writes the averaged weights into `target`'s trainable weights (matched by name) and, when
   * `statisticsFrom` is given, copies that model's non-trainable weights (batch-norm statistics) too.
   */
  copyTo(target: tf.LayersModel, statisticsFrom?: tf.LayersModel): void {
    for (const w of target.trainableWeights) {
      const s = this.shadow.get(w.originalName);
      if (s === undefined) fail('WeightAverage.copyTo', `target has weight '${w.originalName}' not averaged`);
      w.write(s);
    }
    if (statisticsFrom === undefined) return;
    const source = new Map(statisticsFrom.nonTrainableWeights.map((w) => [w.originalName, w]));
    for (const w of target.nonTrainableWeights) {
      const from = source.get(w.originalName);
      if (from === undefined)
        fail('WeightAverage.copyTo', `statisticsFrom has no weight '${w.originalName}'`);
      w.write(from.read());
    }
  }

  /** The averaged weights as arrays (for checkpoints). */
  state(): NamedArray[] {
    return [...this.shadow].map(([name, v]) => ({
      name,
      shape: [...v.shape],
      data: Float32Array.from(v.dataSync()),
    }));
  }

  /** Replaces the averaged weights by saved ones (from {@link WeightAverage.state}). */
  restore(saved: readonly NamedArray[]): void {
    const byName = new Map(saved.map((a) => [a.name, a]));
    for (const [name, v] of this.shadow) {
      const a = byName.get(name);
      if (a === undefined) fail('WeightAverage.restore', `checkpoint has no averaged weight '${name}'`);
      const t = tf.tensor(a.data, [...a.shape]);
      v.assign(t);
      t.dispose();
    }
  }

  /** Frees the averaged weights. */
  dispose(): void {
    for (const v of this.shadow.values()) v.dispose();
    this.shadow.clear();
  }
}

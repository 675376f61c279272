import { fail } from '../core/errors.js';
import { confusionStats, type ConfusionStats, type LabelArray } from './confusion.js';
import { dice, iou, pixelAccuracy } from './metrics.js';
import { diceOf, iouOf, perClassScore } from './scores.js';

/**
 * Images where a class is truly absent but predicted.
 *
 * For class `c`, let `A_c` be the images where `c` is absent from the truth (`present[i,c] = 0`; by
 * default `tp + fn = 0`). Then
 * - `imageRate[c]` = #{i ∈ A_c : fp[i,c] ≥ 1} / |A_c|, the fraction of those images where `c` is
 *   predicted on at least one pixel;
 * - `pixelRate[c]` = Σ_{i∈A_c} fp[i,c] / Σ_{i∈A_c} (tp + fp + fn + tn)[i,c], the fraction of their
 *   (non-ignored) pixels predicted as `c`;
 * - `absentImages[c]` = |A_c|. Both rates are NaN when `A_c` is empty.
 *
 * This is the failure a loss that treats unlabelled classes as background should avoid, and one that
 * treats every unlabelled pixel as unknown may fall into.
 */
export interface AbsentClassRates {
  readonly imageRate: Float64Array;
  readonly pixelRate: Float64Array;
  readonly absentImages: Float64Array;
}

/**
 * Computes {@link AbsentClassRates} from confusion statistics; `present` (`[N*C]`, 1 = present) overrides
 * the presence derived from `stats`, e.g. when `stats` were computed against incomplete labels.
 *
 * @example
 * ```ts
 * // image 0 has class 1 (tp=2); image 1 does not, but 1 of its 4 pixels is predicted 1
 * absentClassFalsePositiveRate(stats).imageRate[1]; // 1 (1 of 1 absent image), pixelRate[1] = 0.25
 * ```
 */
export function absentClassFalsePositiveRate(
  stats: ConfusionStats,
  present?: ArrayLike<number>,
): AbsentClassRates {
  const { n, numClasses: c, tp, fp, fn, tn } = stats;
  if (present && present.length !== n * c) {
    fail('absentClassFalsePositiveRate', `present has ${present.length} entries; expected N*C = ${n * c}`);
  }
  const hits = new Float64Array(c);
  const fpPixels = new Float64Array(c);
  const pixels = new Float64Array(c);
  const absentImages = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      const k = i * c + j;
      const isPresent = present ? present[k] > 0 : tp[k] + fn[k] > 0;
      if (isPresent) continue;
      absentImages[j]++;
      if (fp[k] > 0) hits[j]++;
      fpPixels[j] += fp[k];
      pixels[j] += tp[k] + fp[k] + fn[k] + tn[k];
    }
  }
  return {
    imageRate: hits.map((h, j) => h / absentImages[j]),
    pixelRate: fpPixels.map((f, j) => f / pixels[j]),
    absentImages,
  };
}

/** JSON form of a {@link MetricAccumulator}: plain number arrays, `[N*C]` each. */
export interface MetricAccumulatorJSON {
  numClasses: number;
  ignoreIndex: number;
  n: number;
  tp: number[];
  fp: number[];
  fn: number[];
  tn: number[];
}

/** Headline numbers of a {@link MetricAccumulator}; NaN where undefined (JSON writes it as null). */
export interface MetricSummary {
  images: number;
  pixelAccuracy: number;
  meanIoU: number;
  meanDice: number;
  perClassIoU: number[];
  perClassDice: number[];
  absentFalsePositiveImageRate: number[];
  absentFalsePositivePixelRate: number[];
}

/**
 * Collects per-image confusion statistics batch by batch, so evaluation never holds all predictions.
 * Accumulators of shards (workers, seeds) merge exactly, since every metric is a function of the
 * per-image counts, and round-trip through JSON.
 *
 * @example
 * ```ts
 * const acc = new MetricAccumulator(3);
 * acc.add(labels, pred, 8); // a batch of 8 images
 * acc.summary().meanIoU;
 * ```
 */
export class MetricAccumulator {
  readonly numClasses: number;
  readonly ignoreIndex: number;
  private parts: ConfusionStats[] = [];

  constructor(numClasses: number, options: { ignoreIndex?: number } = {}) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      fail('MetricAccumulator', `numClasses is ${numClasses}; expected a positive integer`);
    }
    this.numClasses = numClasses;
    this.ignoreIndex = options.ignoreIndex ?? 255;
  }

  /** Adds a batch of `n` label maps (`[n*H*W]` each) and returns the batch's statistics. */
  add(labels: LabelArray, pred: LabelArray, n: number): ConfusionStats {
    const s = confusionStats(labels, pred, { n, numClasses: this.numClasses, ignoreIndex: this.ignoreIndex });
    this.parts.push(s);
    return s;
  }

  /** Adds statistics computed elsewhere (same number of classes). */
  addStats(stats: ConfusionStats): void {
    if (stats.numClasses !== this.numClasses) {
      fail(
        'MetricAccumulator.addStats',
        `stats have ${stats.numClasses} classes; expected ${this.numClasses}`,
      );
    }
    this.parts.push(stats);
  }

  /** Appends the images of `other` (same classes and ignore index) to this accumulator. */
  merge(other: MetricAccumulator): this {
    if (other.numClasses !== this.numClasses || other.ignoreIndex !== this.ignoreIndex) {
      fail(
        'MetricAccumulator.merge',
        `other has ${other.numClasses} classes / ignoreIndex ${other.ignoreIndex}; ` +
          `expected ${this.numClasses} / ${this.ignoreIndex}`,
      );
    }
    this.parts.push(other.stats());
    return this;
  }

  /** All statistics so far, images in the order they were added. */
  stats(): ConfusionStats {
    const n = this.parts.reduce((a, p) => a + p.n, 0);
    const size = n * this.numClasses;
    const cat = (key: 'tp' | 'fp' | 'fn' | 'tn') => {
      const out = new Float64Array(size);
      let off = 0;
      for (const p of this.parts) {
        out.set(p[key], off);
        off += p[key].length;
      }
      return out;
    };
    const merged = {
      n,
      numClasses: this.numClasses,
      tp: cat('tp'),
      fp: cat('fp'),
      fn: cat('fn'),
      tn: cat('tn'),
    };
    this.parts = n > 0 ? [merged] : [];
    return merged;
  }

  /** Headline metrics: pixel accuracy (micro), mIoU and mean Dice (macro, NaN classes skipped). */
  summary(): MetricSummary {
    const s = this.stats();
    if (s.n === 0) fail('MetricAccumulator.summary', 'no images were added');
    const absent = absentClassFalsePositiveRate(s);
    return {
      images: s.n,
      pixelAccuracy: pixelAccuracy(s),
      meanIoU: iou(s),
      meanDice: dice(s),
      perClassIoU: [...perClassScore(iouOf, s)],
      perClassDice: [...perClassScore(diceOf, s)],
      absentFalsePositiveImageRate: [...absent.imageRate],
      absentFalsePositivePixelRate: [...absent.pixelRate],
    };
  }

  toJSON(): MetricAccumulatorJSON {
    const s = this.stats();
    return {
      numClasses: this.numClasses,
      ignoreIndex: this.ignoreIndex,
      n: s.n,
      tp: [...s.tp],
      fp: [...s.fp],
      fn: [...s.fn],
      tn: [...s.tn],
    };
  }

  /** Rebuilds an accumulator from {@link MetricAccumulator.toJSON} output, checking the array sizes. */
  static fromJSON(json: MetricAccumulatorJSON): MetricAccumulator {
    const acc = new MetricAccumulator(json.numClasses, { ignoreIndex: json.ignoreIndex });
    const size = json.n * json.numClasses;
    for (const key of ['tp', 'fp', 'fn', 'tn'] as const) {
      if (!Array.isArray(json[key]) || json[key].length !== size) {
        fail(
          'MetricAccumulator.fromJSON',
          `${key} has ${json[key]?.length} entries; expected n*numClasses = ${size}`,
        );
      }
    }
    if (json.n > 0) {
      acc.parts.push({
        n: json.n,
        numClasses: json.numClasses,
        tp: Float64Array.from(json.tp),
        fp: Float64Array.from(json.fp),
        fn: Float64Array.from(json.fn),
        tn: Float64Array.from(json.tn),
      });
    }
    return acc;
  }
}

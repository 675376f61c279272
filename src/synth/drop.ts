import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { checkLabels, checkNumClasses, classCounts, type LabelMaps } from './labels.js';
import { checkSeed, Random } from './random.js';

/** An object annotation: class `class` (>= 1) of image `image`. */
export interface ObjectRef {
  readonly image: number;
  readonly class: number;
}

/** Options of {@link dropAnnotations}: give exactly one of `drop`, `count`, `rate`. */
export interface DropOptions {
  /** Explicit `[image, class]` pairs to drop (class >= 1; absent objects are still marked unannotated). */
  readonly drop?: ReadonlyArray<readonly [number, number]>;
  /** Drop this many objects chosen uniformly without replacement among the present ones. */
  readonly count?: number;
  /** Drop each present object independently with this probability. */
  readonly rate?: number;
  /** Seed for `count` and `rate`. Default 0. */
  readonly seed?: number;
  /** `C`; default `max(label) + 1`, at least 2. */
  readonly numClasses?: number;
}

/** Result of dropping annotations. */
export interface DropResult {
  /** A copy of the labels with the dropped objects' pixels set to background 0. */
  readonly labels: LabelMaps;
  /** The dropped objects, sorted by image then class. */
  readonly dropped: ObjectRef[];
  /** `[N, C]` float32: 1 = class annotated in that image, 0 = dropped; background always 1. */
  readonly annotated: NdArray;
}

/**
 * Removes object annotations, as when an annotator skipped them: every pixel of a dropped
 * `(image, class)` becomes background 0 and `annotated[image, class]` becomes 0. Classes never dropped
 * stay annotated (1), including absent ones, whose absence is then known; background is always 1.
 *
 * Random choice (`count`, `rate`) is among present objects (classes >= 1 with at least one pixel),
 * visited in image-then-class order with `Random(seed)`: `rate` draws one uniform per present object;
 * `count` shuffles the present objects and takes the first `count`.
 *
 * @param labels - `[N, H, W]` label maps
 * @returns `{labels, dropped, annotated}`; the input is not modified
 * @example
 * ```ts
 * const { labels } = postBatch({ n: 2, height: 64, width: 64, seed: 1 });
 * const out = dropAnnotations(labels, { drop: [[0, 2]] }); // image 0 loses its square
 * out.annotated.data; // [1,1,0,1, 1,1,1,1]
 * ```
 */
export function dropAnnotations(labels: LabelMaps, options: DropOptions): DropResult {
  const where = 'dropAnnotations';
  const [n] = checkLabels(where, labels);
  const { drop, count, rate, seed = 0 } = options ?? {};
  const numClasses = options?.numClasses ?? Math.max(2, labels.data.reduce((a, b) => Math.max(a, b), 0) + 1);
  checkNumClasses(where, labels, numClasses);
  const given = [drop, count, rate].filter((v) => v !== undefined).length;
  if (given !== 1) fail(where, `got ${given} of the options drop, count, rate; expected exactly one`);
  checkSeed(where, seed);

  const counts = classCounts(labels, numClasses);
  const present: ObjectRef[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 1; k < numClasses; k++)
      if (counts[i * numClasses + k] > 0) present.push({ image: i, class: k });
  }
  let chosen: ObjectRef[];
  if (drop !== undefined) {
    if (!Array.isArray(drop)) fail(where, `option 'drop' must be an array of [image, class] pairs`);
    chosen = drop.map(([image, k], j) => {
      const ok =
        Number.isInteger(image) && image >= 0 && image < n && Number.isInteger(k) && k >= 1 && k < numClasses;
      if (!ok) {
        fail(
          where,
          `drop[${j}] is [${image}, ${k}]; expected image in [0, ${n}) and class in [1, ${numClasses})`,
        );
      }
      return { image, class: k };
    });
  } else if (count !== undefined) {
    if (!Number.isInteger(count) || count < 0 || count > present.length) {
      fail(
        where,
        `option 'count' is ${count}; expected an integer in [0, ${present.length}] (present objects)`,
      );
    }
    chosen = new Random(seed).shuffle([...present]).slice(0, count);
  } else {
    if (!(typeof rate === 'number' && rate >= 0 && rate <= 1)) {
      fail(where, `option 'rate' is ${rate}; expected a number in [0, 1]`);
    }
    const rng = new Random(seed);
    chosen = present.filter(() => rng.uniform() < rate);
  }
  return applyDrops(labels, numClasses, chosen);
}

/**
 * Drops the given objects: zeroes their pixels in a copy of `labels`, builds `annotated` `[N, C]`.
 * Duplicates are removed and the list sorted by image then class.
 */
export function applyDrops(labels: LabelMaps, numClasses: number, objects: readonly ObjectRef[]): DropResult {
  const [n, h, w] = labels.shape;
  const p = h * w;
  const annotated = new Float32Array(n * numClasses).fill(1);
  for (const o of objects) annotated[o.image * numClasses + o.class] = 0;
  const data = labels.data.slice();
  for (let i = 0; i < n; i++) {
    for (let q = i * p; q < (i + 1) * p; q++) if (annotated[i * numClasses + data[q]] === 0) data[q] = 0;
  }
  const dropped: ObjectRef[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 1; k < numClasses; k++)
      if (annotated[i * numClasses + k] === 0) dropped.push({ image: i, class: k });
  }
  return {
    labels: { data, shape: [n, h, w] },
    dropped,
    annotated: { data: annotated, shape: [n, numClasses] },
  };
}

/**
 * Drops each present object of a synthetic batch with probability `rate`: for image `i` and class
 * `k >= 1` with `present[i, k] = 1` (in image-then-class order) one `Random(seed).uniform()` draw, drop
 * when it is `< rate`. Same result type as {@link dropAnnotations}.
 *
 * @param labels - `[N, H, W]`
 * @param present - `[N, C]` 0/1 (as returned by `synthScenes`)
 * @param rate - drop probability in `[0, 1]`
 * @param seed - integer seed
 */
export function dropAnnotationsAtRate(
  labels: LabelMaps,
  present: NdArray,
  rate: number,
  seed: number,
): DropResult {
  const where = 'dropAnnotationsAtRate';
  const [n] = checkLabels(where, labels);
  const c = present?.shape?.[1];
  if (present?.shape?.length !== 2 || present.shape[0] !== n || present.data.length !== n * c) {
    fail(where, `present has shape [${present?.shape}]; expected [N, C] with N = ${n}`);
  }
  checkNumClasses(where, labels, c);
  if (!(typeof rate === 'number' && rate >= 0 && rate <= 1))
    fail(where, `rate is ${rate}; expected a number in [0, 1]`);
  checkSeed(where, seed);
  const rng = new Random(seed);
  const chosen: ObjectRef[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 1; k < c; k++) {
      if (present.data[i * c + k] === 1 && rng.uniform() < rate) chosen.push({ image: i, class: k });
    }
  }
  return applyDrops(labels, c, chosen);
}

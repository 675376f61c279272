/**
 * The state behind the lab's post page: the post's data for given settings, which annotations are
 * dropped, which classes each image's `annotated` set holds, and every per-pixel loss on the result.
 * Browser-safe (no Node modules); the page only draws what these functions return.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import { ndarray, type NdArray } from '../core/ndarray.js';
import { postDemoInputs, type PostDemoOptions } from '../experiment/post-demo.js';
import { crossEntropy } from '../losses/crossentropy/tensor.js';
import { getLoss } from '../losses/registry.js';
import { dropAnnotations, type ObjectRef } from '../synth/drop.js';
import { oneHot, type LabelMaps } from '../synth/labels.js';
import { POST_NUM_CLASSES } from '../synth/post.js';

/**
 * The losses with a value per pixel (`reduction: 'none'` gives `[N, H, W]`), drawn as loss maps; the
 * region losses (Dice, Jaccard, Tversky, marginal Dice, exclusion) have one value per image and class.
 */
export const PER_PIXEL_LOSSES = [
  'crossentropy',
  'missing-aware-crossentropy',
  'marginal-crossentropy',
  'focal',
] as const;

/** How the partial-label losses learn which classes an image's labels cover. */
export type AnnotatedMode = 'inferred' | 'explicit';

/** Everything the post page shows, before the losses. */
export interface PostLabState {
  /** `[N, H, W]` full label maps (the truth). */
  readonly labels: LabelMaps;
  /** `[N, H, W, 4]` simulated predictions. */
  readonly predictions: NdArray;
  /** Dropped object annotations, sorted by image then class. */
  readonly dropped: readonly ObjectRef[];
  /** `'inferred'`: `annotated: 'infer'` (as `segloss demo`); `'explicit'`: the mask {@link explicitMask}. */
  readonly mode: AnnotatedMode;
  /**
   * `[N, 4]` explicit annotated mask used in `'explicit'` mode: 1 where image n's labels cover class c.
   * Starts as the annotator's record (0 for dropped objects, 1 otherwise) and follows drops and restores;
   * {@link toggleAnnotatedClass} edits single entries.
   */
  readonly explicitMask: NdArray;
}

/** The losses of a {@link PostLabState}. */
export interface PostLabLosses {
  /** Cross-entropy on the full labels, typed-array reference (`segloss demo`'s `standardFullReference`). */
  readonly standardFull: number;
  /** The same through the tfjs tensor implementation (`standardFullTensor`). */
  readonly standardFullTensor: number;
  /** Cross-entropy on the labels with the dropped annotations (`standardMissing`). */
  readonly standardMissing: number;
  /** The post's missing-aware loss on those labels (`missingAwareMissing`). */
  readonly missingAwareMissing: number;
  /** `[N, H, W]` labels after dropping. */
  readonly labelsMissing: LabelMaps;
  /** Every {@link PER_PIXEL_LOSSES} loss on the dropped labels: its mean value and `[N*H*W]` map. */
  readonly maps: readonly { readonly name: string; readonly value: number; readonly map: Float32Array }[];
  /** Largest finite value over all maps. */
  readonly mapMax: number;
  /**
   * The top of the maps' common colour scale (bottom 0): the 99th percentile of all finite values, so
   * that a few near-certain mistakes (`-log p` of a tiny `p`) do not darken every other pixel.
   */
  readonly mapScale: number;
}

const WHERE = 'postLab';

/**
 * The post page's starting state for `segloss demo`'s settings: the same data and the same randomly
 * dropped annotations (see `postDemoInputs`), inferred annotated sets.
 *
 * @example
 * ```ts
 * const state = postLabStart({ seed: 7, n: 6, size: 48, missing: 2, quality: 3 });
 * postLabLosses(state).standardMissing; // equals `segloss demo --seed 7 --n 6 --size 48 --json`'s
 * ```
 */
export function postLabStart(options: PostDemoOptions = {}): PostLabState {
  const { labels, predictions, drop } = postDemoInputs(options, WHERE);
  return { labels, predictions, dropped: drop.dropped, mode: 'inferred', explicitMask: drop.annotated };
}

/** The class of the full labels at pixel `(y, x)` of image `image` (0 = background). */
export function objectAt(state: PostLabState, image: number, y: number, x: number): number {
  const [n, h, w] = state.labels.shape;
  if (![image, y, x].every(Number.isInteger) || image < 0 || image >= n || y < 0 || y >= h || x < 0 || x >= w)
    fail(`${WHERE}.objectAt`, `pixel (${image}, ${y}, ${x}) is outside [${n}, ${h}, ${w}]`);
  return state.labels.data[(image * h + y) * w + x];
}

/**
 * Drops the annotation of object `cls` in image `image`, or restores it when it is dropped; the
 * explicit mask follows (0 when dropped, 1 when restored). Class 0 (background) is not an object.
 */
export function toggleObject(state: PostLabState, image: number, cls: number): PostLabState {
  const [n] = state.labels.shape;
  if (!Number.isInteger(image) || image < 0 || image >= n || !Number.isInteger(cls) || cls < 1 || cls >= 4)
    fail(
      `${WHERE}.toggleObject`,
      `object (${image}, ${cls}); expected image in [0, ${n}) and class in [1, 4)`,
    );
  const was = state.dropped.some((d) => d.image === image && d.class === cls);
  const dropped = was
    ? state.dropped.filter((d) => d.image !== image || d.class !== cls)
    : [...state.dropped, { image, class: cls }].sort((a, b) => a.image - b.image || a.class - b.class);
  const mask = Float32Array.from(state.explicitMask.data);
  mask[image * POST_NUM_CLASSES + cls] = was ? 1 : 0;
  return { ...state, dropped, explicitMask: ndarray(mask, [...state.explicitMask.shape]) };
}

/** Flips class `cls` (>= 1) of image `image` in the explicit annotated mask. */
export function toggleAnnotatedClass(state: PostLabState, image: number, cls: number): PostLabState {
  const [n] = state.labels.shape;
  if (!Number.isInteger(image) || image < 0 || image >= n || !Number.isInteger(cls) || cls < 1 || cls >= 4)
    fail(
      `${WHERE}.toggleAnnotatedClass`,
      `(${image}, ${cls}); expected image in [0, ${n}) and class in [1, 4)`,
    );
  const mask = Float32Array.from(state.explicitMask.data);
  const k = image * POST_NUM_CLASSES + cls;
  mask[k] = 1 - mask[k];
  return { ...state, explicitMask: ndarray(mask, [...state.explicitMask.shape]) };
}

/** Switches between inferred and explicit annotated sets. */
export function setAnnotatedMode(state: PostLabState, mode: AnnotatedMode): PostLabState {
  if (mode !== 'inferred' && mode !== 'explicit')
    fail(`${WHERE}.setAnnotatedMode`, `mode is '${String(mode)}'; expected 'inferred' or 'explicit'`);
  return { ...state, mode };
}

/**
 * Every loss the post page shows, computed by segloss' own implementations: cross-entropy on the full
 * labels (reference and tensor; the tensor one runs on the current tfjs backend), cross-entropy and the
 * missing-aware loss on the dropped labels, and each per-pixel loss's map and mean. Partial-label
 * losses get `annotated: 'infer'` or the explicit mask, as `state.mode` says.
 *
 * @example
 * ```ts
 * const l = postLabLosses(postLabStart({ seed: 0 })); // segloss demo's defaults
 * l.standardMissing.toFixed(6); // '0.362385'
 * ```
 */
export function postLabLosses(state: PostLabState): PostLabLosses {
  const { labels, predictions } = state;
  const drop = dropAnnotations(labels, {
    drop: state.dropped.map((d) => [d.image, d.class] as const),
    numClasses: POST_NUM_CLASSES,
  });
  const yFull = oneHot(labels, POST_NUM_CLASSES);
  const yMissing = oneHot(drop.labels, POST_NUM_CLASSES);
  const annotated = state.mode === 'explicit' ? state.explicitMask : 'infer';
  const optionsOf = (name: string) => ('annotated' in getLoss(name).defaults ? { annotated } : {});
  const maps = PER_PIXEL_LOSSES.map((name) => {
    const loss = getLoss(name);
    const map = loss.reference(yMissing, predictions, { ...optionsOf(name), reduction: 'none' });
    return {
      name,
      value: loss.reference(yMissing, predictions, optionsOf(name)).data[0],
      map: Float32Array.from(map.data),
    };
  });
  const finite = Float32Array.from(maps.flatMap(({ map }) => Array.from(map).filter(Number.isFinite))).sort();
  const mapMax = finite.length > 0 ? finite[finite.length - 1] : 0;
  const mapScale = finite.length > 0 ? finite[Math.floor(0.99 * (finite.length - 1))] : 0;
  const standardFullTensor = tf.tidy(
    () =>
      crossEntropy(
        tf.tensor(yFull.data, [...yFull.shape]),
        tf.tensor(predictions.data, [...predictions.shape]),
      ).dataSync()[0],
  );
  const value = (name: string) => maps.find((m) => m.name === name)?.value ?? NaN;
  return {
    standardFull: getLoss('crossentropy').reference(yFull, predictions).data[0],
    standardFullTensor,
    standardMissing: value('crossentropy'),
    missingAwareMissing: value('missing-aware-crossentropy'),
    labelsMissing: drop.labels,
    maps,
    mapMax,
    mapScale: mapScale > 0 ? mapScale : mapMax,
  };
}

import { fail } from '../core/errors.js';
import { checkSeed, Random } from './random.js';

/** How {@link dropLabels} removes annotations from fully annotated label maps. */
export const DROP_MODES = ['object', 'class', 'subset'] as const;
export type LabelDropMode = (typeof DROP_MODES)[number];

/** One image's label map: class per pixel (255 = ignore), row-major `height x width`. */
export interface LabelImage {
  readonly mask: Uint8Array;
  readonly height: number;
  readonly width: number;
  /** `[C]` 0/1: classes the labels cover (background first, always 1). */
  readonly annotated: Uint8Array;
}

/** Options of {@link dropLabels}. */
export interface LabelDropOptions {
  readonly mode: LabelDropMode;
  /** In `[0, 1]`: see {@link dropLabels} for what it means in each mode. */
  readonly rate: number;
  readonly seed: number;
  /** `C`, background included. */
  readonly numClasses: number;
}

/** What {@link dropLabels} returns, per image. */
export interface DroppedLabels {
  /** New label maps (removed pixels are background 0). */
  readonly masks: Uint8Array[];
  /** `[C]` 0/1 per image: the classes whose labels remain known (explicit `annotated`). */
  readonly annotated: Uint8Array[];
  /** Per image: 1 when every class is still annotated (what a user can tell is complete). */
  readonly complete: Uint8Array;
  /** Pixels turned to background, per image. */
  readonly removedPixels: Uint32Array;
}

/**
 * Connected components (8-connectivity, as `skimage.measure.label`'s default in 2-D) of each
 * foreground class: `[component id per pixel (0 = none), count]`, ids in raster order of first pixel.
 */
export function classComponents(mask: Uint8Array, height: number, width: number): [Int32Array, number] {
  const ids = new Int32Array(mask.length);
  const stack: number[] = [];
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    const k = mask[start];
    if (k === 0 || k === 255 || ids[start] !== 0) continue;
    ids[start] = ++count;
    stack.push(start);
    while (stack.length > 0) {
      const q = stack.pop() as number;
      const y = Math.floor(q / width);
      const x = q - y * width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
          const r = yy * width + xx;
          if (ids[r] === 0 && mask[r] === k) {
            ids[r] = count;
            stack.push(r);
          }
        }
      }
    }
  }
  return [ids, count];
}

/**
 * Removes annotations from fully annotated label maps, the three settings of partial-label studies.
 * One `Random(seed)` is drawn from image by image, so equal inputs and seed give equal results
 * (every method of a study sees the same dropped labels).
 *
 * - `object` (an annotator skips objects; the post's setting): each connected component of a
 *   foreground class (8-connectivity) is removed with probability `rate` (one draw per component, in
 *   raster order). A class stays annotated while one of its objects remains, so a partly dropped
 *   class is a silent error that no `annotated` mask reveals.
 * - `class` (per image, some classes were not labelled): each foreground class, present or absent, is
 *   unannotated with probability `rate` (one draw per class, in class order); its pixels become
 *   background.
 * - `subset` (several datasets, each labelling some classes, as in multi-organ CT): with `K = C - 1`
 *   foreground classes, the images (in a seeded shuffle) are dealt round-robin into `K` groups; group
 *   `g` annotates the `m = max(1, round(K * (1 - rate)))` classes `1 + ((g + t) mod K)`, `t < m`.
 *
 * Ignore pixels (255) are left as they are. Removed pixels become background 0 and a removed class's
 * `annotated` entry 0.
 *
 * @example
 * ```ts
 * const out = dropLabels(images, { mode: 'class', rate: 0.3, seed: 4, numClasses: 4 });
 * out.complete; // 1 where every class is still annotated
 * ```
 */
export function dropLabels(images: readonly LabelImage[], options: LabelDropOptions): DroppedLabels {
  const where = 'dropLabels';
  const { mode, rate, seed, numClasses: c } = options;
  if (!(DROP_MODES as readonly string[]).includes(mode)) {
    fail(where, `mode is '${String(mode)}'; expected one of ${DROP_MODES.join(', ')}`);
  }
  if (!(rate >= 0 && rate <= 1)) fail(where, `rate is ${rate}; expected a number in [0, 1]`);
  if (!Number.isInteger(c) || c < 2) fail(where, `numClasses is ${c}; expected an integer >= 2`);
  checkSeed(where, seed);
  const rng = new Random(seed);
  const k = c - 1;
  const groupOf = new Int32Array(images.length);
  if (mode === 'subset') {
    const order = rng.shuffle(Array.from({ length: images.length }, (_, i) => i));
    order.forEach((image, j) => (groupOf[image] = j % k));
  }
  const perGroup = Math.max(1, Math.round(k * (1 - rate)));
  const masks: Uint8Array[] = [];
  const annotated: Uint8Array[] = [];
  const complete = new Uint8Array(images.length);
  const removedPixels = new Uint32Array(images.length);
  images.forEach((img, i) => {
    if (img.annotated.length !== c) {
      fail(where, `image ${i} has ${img.annotated.length} annotated entries; expected numClasses = ${c}`);
    }
    const mask = Uint8Array.from(img.mask);
    const known = Uint8Array.from(img.annotated);
    const removeClass = (cls: number) => {
      known[cls] = 0;
      for (let q = 0; q < mask.length; q++) if (mask[q] === cls) mask[q] = 0;
    };
    if (mode === 'object') {
      const [ids, count] = classComponents(mask, img.height, img.width);
      const drop = new Uint8Array(count + 1);
      for (let j = 1; j <= count; j++) drop[j] = rng.bernoulli(rate) ? 1 : 0;
      const kept = new Uint8Array(c);
      const had = new Uint8Array(c);
      for (let q = 0; q < mask.length; q++) {
        const id = ids[q];
        if (id === 0) continue;
        had[mask[q]] = 1;
        if (drop[id]) mask[q] = 0;
        else kept[img.mask[q]] = 1;
      }
      for (let cls = 1; cls < c; cls++) if (had[cls] && !kept[cls]) known[cls] = 0;
    } else if (mode === 'class') {
      for (let cls = 1; cls < c; cls++) if (rng.bernoulli(rate)) removeClass(cls);
    } else {
      const g = groupOf[i];
      const keep = new Set(Array.from({ length: perGroup }, (_, t) => 1 + ((g + t) % k)));
      for (let cls = 1; cls < c; cls++) if (!keep.has(cls)) removeClass(cls);
    }
    let removed = 0;
    for (let q = 0; q < mask.length; q++) if (mask[q] !== img.mask[q]) removed++;
    masks.push(mask);
    annotated.push(known);
    removedPixels[i] = removed;
    complete[i] = known.every((v) => v === 1) ? 1 : 0;
  });
  return { masks, annotated, complete, removedPixels };
}

import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { paintPixels } from '../draw/clip.js';
import { checkSeed, Random } from './random.js';
import { CLASS_LEVEL, drawObject, SCENE_CLASSES, texture } from './scenes.js';

/** Options of {@link synthMultilabelScenes}. */
export interface MultilabelSceneOptions {
  /** Number of images. */
  readonly n: number;
  /** Images are `size x size`, at least 16. */
  readonly size: number;
  /**
   * Object classes (channels), in `[1, 5]`: the shapes of {@link SCENE_CLASSES} after background, in
   * order. 1 gives binary data (one channel: ellipse or not). Default 3.
   */
  readonly numClasses?: number;
  /** Probability that a class is left out of an image, in `[0, 1]`. Default 0.2. */
  readonly absentRate?: number;
  /** Opacity of an object over what lies below, in `(0, 1]`. Default 0.6: overlaps are visible. */
  readonly opacity?: number;
  /** Standard deviation of the additive gaussian pixel noise. Default 0.05. */
  readonly noise?: number;
  /** Integer seed. */
  readonly seed: number;
}

/** Multi-label scenes: images, multi-hot targets (classes overlap) and the classes present. */
export interface MultilabelScenes {
  /** `[N, size, size, 1]` float32 in `[0, 1]`. */
  readonly images: NdArray;
  /** `[N, size, size, C]` float32, 0/1: channel c is 1 on every pixel of class c's object, covered or not. */
  readonly targets: NdArray;
  /** `[N, C]` float32: 1 where class c has at least one pixel in image n. */
  readonly present: NdArray;
}

/**
 * Random multi-label scenes: per image a background ramp, then each kept class (probability
 * `1 - absentRate`) as one object of its shape, placed independently so objects overlap; each object is
 * composited over the image with `opacity` (`img = (1 - a) img + a (level + texture)`), so both
 * classes stay visible where they overlap, and its channel of `targets` is 1 on all of its pixels (as
 * multi-label targets are: a pixel may carry several classes). Gaussian noise of std `noise`, then
 * clipping to `[0, 1]`. One `Random(seed)` draws everything, so the scenes are reproducible.
 *
 * For partial labels, drop classes from `present` (e.g. `dropAnnotationsAtRate` on a per-class basis)
 * and pass the result as `annotated` to `multilabel-partial` or `binary-crossentropy`.
 *
 * @example
 * ```ts
 * const { images, targets, present } = synthMultilabelScenes({ n: 8, size: 32, seed: 3 });
 * targets.shape; // [8, 32, 32, 3]
 * ```
 */
export function synthMultilabelScenes(options: MultilabelSceneOptions): MultilabelScenes {
  const where = 'synthMultilabelScenes';
  const { n, size, numClasses = 3, absentRate = 0.2, opacity = 0.6, noise = 0.05, seed } = options;
  if (!Number.isInteger(n) || n < 1) fail(where, `option 'n' is ${n}; expected a positive integer`);
  if (!Number.isInteger(size) || size < 16)
    fail(where, `option 'size' is ${size}; expected an integer >= 16`);
  const most = SCENE_CLASSES.length - 1;
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > most) {
    fail(where, `option 'numClasses' is ${numClasses}; expected an integer in [1, ${most}]`);
  }
  if (!(absentRate >= 0 && absentRate <= 1))
    fail(where, `option 'absentRate' is ${absentRate}; expected [0, 1]`);
  if (!(opacity > 0 && opacity <= 1)) fail(where, `option 'opacity' is ${opacity}; expected (0, 1]`);
  if (!(noise >= 0 && Number.isFinite(noise)))
    fail(where, `option 'noise' is ${noise}; expected a number >= 0`);
  checkSeed(where, seed);
  const rng = new Random(seed);
  const p = size * size;
  const c = numClasses;
  const images = new Float32Array(n * p);
  const targets = new Float32Array(n * p * c);
  const present = new Float32Array(n * c);
  const mask = new Uint8Array(p);
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * p, (i + 1) * p);
    const base = rng.uniform(0.1, 0.3);
    const gy = rng.uniform(-0.1, 0.1) / size;
    const gx = rng.uniform(-0.1, 0.1) / size;
    for (let q = 0; q < p; q++) img[q] = base + gy * Math.floor(q / size) + gx * (q % size);
    for (let ch = 0; ch < c; ch++) {
      if (rng.bernoulli(absentRate)) continue;
      const k = ch + 1; // shape class of SCENE_CLASSES
      const [cy, cx] = [rng.uniform(0.2, 0.8) * size, rng.uniform(0.2, 0.8) * size];
      mask.fill(0);
      paintPixels(mask, size, size, drawObject(k, cy, cx, size, rng), 1);
      const level = CLASS_LEVEL[k] + rng.uniform(-0.07, 0.07);
      for (let q = 0; q < p; q++) {
        if (!mask[q]) continue;
        const value = level + texture(k, Math.floor(q / size), q % size, cy, cx, 0.2 * size);
        img[q] = (1 - opacity) * img[q] + opacity * value;
        targets[(i * p + q) * c + ch] = 1;
        present[i * c + ch] = 1;
      }
    }
    for (let q = 0; q < p; q++)
      img[q] = Math.min(1, Math.max(0, img[q] + (noise > 0 ? rng.normal(0, noise) : 0)));
  }
  return {
    images: { data: images, shape: [n, size, size, 1] },
    targets: { data: targets, shape: [n, size, size, c] },
    present: { data: present, shape: [n, c] },
  };
}

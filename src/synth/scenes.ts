import { cos, sin } from '../core/trig.js';
import { fail } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { paintPixels, type PixelCoords } from '../draw/clip.js';
import { disk } from '../draw/disk.js';
import { ellipse } from '../draw/ellipse.js';
import { polygon } from '../draw/polygon.js';
import type { LabelMaps } from './labels.js';
import { checkSeed, Random } from './random.js';

/** Classes of {@link synthScenes}, in index order; `numClasses` takes the first `numClasses`. */
export const SCENE_CLASSES = ['background', 'ellipse', 'square', 'disk', 'triangle', 'ring'] as const;

/** Options of {@link synthScenes}. */
export interface SceneOptions {
  /** Number of images. */
  readonly n: number;
  /** Images are `size x size`, at least 16. */
  readonly size: number;
  /** Classes including background, in `[2, 6]` (see {@link SCENE_CLASSES}). Default 4. */
  readonly numClasses?: number;
  /** Probability that an object class is left out of an image, in `[0, 1]`. Default 0.2. */
  readonly absentRate?: number;
  /** Integer seed. */
  readonly seed: number;
  /** Standard deviation of the additive gaussian pixel noise. Default 0.05. */
  readonly noise?: number;
  /** Number of unlabelled clutter blobs per image. Default 3. */
  readonly clutter?: number;
  /**
   * Objects per kept class: uniform in `[1, maxObjects]`. Default 1 (then no draw is made, so scenes
   * of earlier versions are unchanged). Several objects of a class make per-object and per-class
   * annotation dropping differ.
   */
  readonly maxObjects?: number;
}

/** Synthetic scenes: grey images, their label maps and which classes are visible. */
export interface Scenes {
  /** `[N, size, size, 1]` float32 in `[0, 1]`. */
  readonly images: NdArray;
  /** `[N, size, size]` classes; later objects in the drawn z-order cover earlier ones. */
  readonly labels: LabelMaps;
  /** `[N, C]` float32: 1 if class `k` has at least one visible pixel in image `i`; background always 1. */
  readonly present: NdArray;
}

/** Mean grey level of each class's objects (index = class); background lies in [0.1, 0.3]. */
const CLASS_LEVEL = [0, 0.55, 0.7, 0.85, 0.45, 0.65];

/** Per-class texture added to the level, amplitude 0.08; `(y, x)` pixel, `(cy, cx)` object centre. */
function texture(k: number, y: number, x: number, cy: number, cx: number, scale: number): number {
  switch (k) {
    case 2: // square: horizontal stripes
      return 0.08 * sin(1.6 * y);
    case 3: // disk: bright centre fading outwards
      return 0.08 * (1 - (2 * Math.hypot(y - cy, x - cx)) / scale);
    case 4: // triangle: checkerboard
      return (Math.floor(y / 2) + Math.floor(x / 2)) & 1 ? 0.08 : -0.08;
    default: // ellipse and ring: flat
      return 0;
  }
}

/** Pixels of one randomly placed object of class `k` in a `size x size` image. */
function drawObject(k: number, cy: number, cx: number, s: number, rng: Random): PixelCoords {
  const shape = [s, s] as const;
  const theta = rng.uniform(0, Math.PI);
  const rotate = (dy: number[], dx: number[]) => ({
    r: dy.map((v, j) => cy + v * cos(theta) - dx[j] * sin(theta)),
    c: dy.map((v, j) => cx + v * sin(theta) + dx[j] * cos(theta)),
  });
  switch (k) {
    case 1:
      return ellipse(cy, cx, rng.uniform(0.08, 0.2) * s, rng.uniform(0.08, 0.2) * s, {
        shape,
        rotation: theta,
      });
    case 2: {
      const h = rng.uniform(0.08, 0.16) * s;
      const v = rotate([-h, -h, h, h], [-h, h, h, -h]);
      return polygon(v.r, v.c, { shape });
    }
    case 3:
      return disk([cy, cx], rng.uniform(0.08, 0.16) * s, { shape });
    case 4: {
      const R = rng.uniform(0.12, 0.22) * s;
      const a = [0, 1, 2].map((j) => (2 * Math.PI * j) / 3);
      const v = rotate(
        a.map((t) => -R * cos(t)),
        a.map((t) => R * sin(t)),
      );
      return polygon(v.r, v.c, { shape });
    }
    default: {
      const outer = rng.uniform(0.12, 0.2) * s;
      const inner = outer * rng.uniform(0.45, 0.65);
      const all = disk([cy, cx], outer, { shape });
      const keep: number[] = [];
      for (let j = 0; j < all.rr.length; j++) {
        if (Math.hypot(all.rr[j] - cy, all.cc[j] - cx) >= inner) keep.push(j);
      }
      return { rr: Int32Array.from(keep, (j) => all.rr[j]), cc: Int32Array.from(keep, (j) => all.cc[j]) };
    }
  }
}

/**
 * Random scenes for training a small U-Net. Per image, in this order with one `Random(seed)`:
 *
 * 1. background: level `U(0.1, 0.3)` plus a linear ramp of slope `U(-0.1, 0.1)` per image side in y and x;
 * 2. `clutter` unlabelled blobs (ellipses, radii `U(0.03, 0.09) * size`, grey `U(0.2, 0.9)`), which
 *    overlap the class levels so that shape and texture, not brightness alone, identify a class;
 * 3. each object class `k >= 1` is kept with probability `1 - absentRate`; the kept ones are drawn in a
 *    random z-order (later covers earlier), centred at `U(0.15, 0.85) * size`, with random size and
 *    rotation; object pixels get grey level `CLASS_LEVEL[k] + U(-0.07, 0.07)` plus a class texture
 *    (square stripes, disk radial falloff, triangle checkerboard; ellipse and ring flat);
 * 4. gaussian noise of std `noise` on every pixel, then clipping to `[0, 1]`.
 *
 * `present[i, k]` is 1 when class `k` kept at least one visible pixel (fully covered objects count as
 * absent), so that it agrees with `labels`.
 *
 * @returns `{images [N, S, S, 1], labels [N, S, S], present [N, C]}`
 * @example
 * ```ts
 * const { images, labels, present } = synthScenes({ n: 16, size: 64, seed: 7, absentRate: 0.3 });
 * const dropped = dropAnnotationsAtRate(labels, present, 0.5, 8);
 * ```
 */
export function synthScenes(options: SceneOptions): Scenes {
  const where = 'synthScenes';
  const {
    n,
    size,
    numClasses = 4,
    absentRate = 0.2,
    seed,
    noise = 0.05,
    clutter = 3,
    maxObjects = 1,
  } = options ?? ({} as SceneOptions);
  if (!Number.isInteger(n) || n < 1) fail(where, `option 'n' is ${n}; expected a positive integer`);
  if (!Number.isInteger(size) || size < 16)
    fail(where, `option 'size' is ${size}; expected an integer >= 16`);
  if (!Number.isInteger(numClasses) || numClasses < 2 || numClasses > SCENE_CLASSES.length) {
    fail(where, `option 'numClasses' is ${numClasses}; expected an integer in [2, ${SCENE_CLASSES.length}]`);
  }
  if (!(absentRate >= 0 && absentRate <= 1))
    fail(where, `option 'absentRate' is ${absentRate}; expected [0, 1]`);
  if (!(noise >= 0 && Number.isFinite(noise)))
    fail(where, `option 'noise' is ${noise}; expected a number >= 0`);
  if (!Number.isInteger(clutter) || clutter < 0)
    fail(where, `option 'clutter' is ${clutter}; expected an integer >= 0`);
  if (!Number.isInteger(maxObjects) || maxObjects < 1 || maxObjects > 8)
    fail(where, `option 'maxObjects' is ${maxObjects}; expected an integer in [1, 8]`);
  checkSeed(where, seed);

  const rng = new Random(seed);
  const p = size * size;
  const images = new Float32Array(n * p);
  const labels = new Uint8Array(n * p);
  const present = new Float32Array(n * numClasses);
  const mask = new Uint8Array(p);
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * p, (i + 1) * p);
    const lab = labels.subarray(i * p, (i + 1) * p);
    const base = rng.uniform(0.1, 0.3);
    const gy = rng.uniform(-0.1, 0.1) / size;
    const gx = rng.uniform(-0.1, 0.1) / size;
    for (let q = 0; q < p; q++) img[q] = base + gy * Math.floor(q / size) + gx * (q % size);
    for (let b = 0; b < clutter; b++) {
      const [cy, cx] = [rng.uniform(0, size), rng.uniform(0, size)];
      const blob = ellipse(cy, cx, rng.uniform(0.03, 0.09) * size, rng.uniform(0.03, 0.09) * size, {
        shape: [size, size],
        rotation: rng.uniform(0, Math.PI),
      });
      const level = rng.uniform(0.2, 0.9);
      for (let j = 0; j < blob.rr.length; j++) img[blob.rr[j] * size + blob.cc[j]] = level;
    }
    const kept: number[] = [];
    for (let k = 1; k < numClasses; k++) if (!rng.bernoulli(absentRate)) kept.push(k);
    const objects: number[] = [];
    for (const k of kept) {
      const copies = maxObjects > 1 ? 1 + rng.int(maxObjects) : 1;
      for (let j = 0; j < copies; j++) objects.push(k);
    }
    for (const k of rng.shuffle(objects)) {
      const [cy, cx] = [rng.uniform(0.15, 0.85) * size, rng.uniform(0.15, 0.85) * size];
      mask.fill(0);
      paintPixels(mask, size, size, drawObject(k, cy, cx, size, rng), 1);
      const level = CLASS_LEVEL[k] + rng.uniform(-0.07, 0.07);
      for (let q = 0; q < p; q++) {
        if (!mask[q]) continue;
        lab[q] = k;
        img[q] = level + texture(k, Math.floor(q / size), q % size, cy, cx, 0.2 * size);
      }
    }
    for (let q = 0; q < p; q++) {
      img[q] = Math.min(1, Math.max(0, img[q] + (noise > 0 ? rng.normal(0, noise) : 0)));
      present[i * numClasses + lab[q]] = 1;
    }
    present[i * numClasses] = 1;
  }
  return {
    images: { data: images, shape: [n, size, size, 1] },
    labels: { data: labels, shape: [n, size, size] },
    present: { data: present, shape: [n, numClasses] },
  };
}

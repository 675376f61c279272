import { fail } from '../core/errors.js';
import { disk } from '../draw/disk.js';
import { ellipse } from '../draw/ellipse.js';
import { paintPixels } from '../draw/clip.js';
import { polygon } from '../draw/polygon.js';
import type { LabelMaps } from './labels.js';
import { checkSeed, Random } from './random.js';

/** Classes of the post's layout: 0 background, 1 ellipse, 2 square, 3 disk. */
export const POST_CLASSES = ['background', 'ellipse', 'square', 'disk'] as const;

/** Number of classes of the post's layout, background included. */
export const POST_NUM_CLASSES = 4;

function checkSize(where: string, arg: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) fail(where, `${arg} is ${v}; expected a positive integer`);
}

/**
 * The post's three objects as binary masks of one `height x width` image, pixel-exact with the
 * post's scikit-image code (Python 3 true division, `np.deg2rad`):
 *
 * - ellipse: `ellipse(H/4, W/4, H/6, W/6, shape=(H, W), rotation=np.deg2rad(rotationDeg))`, with
 *   `np.deg2rad(d) = d * (pi / 180)` (that product order, which can differ from `d * pi / 180` in the
 *   last bit);
 * - square: `polygon(r, c, shape=(H, W))` with `cr = 3H/4`, `cc = 3W/4`, `h = H/6` and vertices in
 *   the order top-left, top-right, bottom-right, bottom-left:
 *   `r = [cr - h, cr - h, cr + h, cr + h]`, `c = [cc - h, cc + h, cc + h, cc - h]` (half-side `H/6` in
 *   both directions, also when `W != H`);
 * - disk: `disk((H/2, W/2), H/6, shape=(H, W))`.
 *
 * @returns `[ellipse, square, disk]`, each a row-major Uint8Array of `height * width` with 1 inside
 * @example
 * ```ts
 * seedMasks(64, 64, 0).map((m) => m.reduce((a, b) => a + b, 0)); // [357, 441, 357]
 * ```
 */
export function seedMasks(
  height: number,
  width: number,
  rotationDeg: number,
): [Uint8Array, Uint8Array, Uint8Array] {
  const where = 'seedMasks';
  checkSize(where, 'height', height);
  checkSize(where, 'width', width);
  if (!Number.isFinite(rotationDeg)) fail(where, `rotationDeg is ${rotationDeg}; expected a finite number`);
  const shape = [height, width] as const;
  const masks: [Uint8Array, Uint8Array, Uint8Array] = [
    new Uint8Array(height * width),
    new Uint8Array(height * width),
    new Uint8Array(height * width),
  ];
  const rotation = rotationDeg * (Math.PI / 180);
  paintPixels(
    masks[0],
    height,
    width,
    ellipse(height / 4, width / 4, height / 6, width / 6, { shape, rotation }),
    1,
  );
  const cr = (3 * height) / 4;
  const cc = (3 * width) / 4;
  const h = height / 6;
  const square = polygon([cr - h, cr - h, cr + h, cr + h], [cc - h, cc + h, cc + h, cc - h], { shape });
  paintPixels(masks[1], height, width, square, 1);
  paintPixels(masks[2], height, width, disk([height / 2, width / 2], height / 6, { shape }), 1);
  return masks;
}

/** Options of {@link postBatch}. */
export interface PostBatchOptions {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly seed: number;
}

/** The post's batch: label maps and the ellipse rotation (degrees) drawn for each image. */
export interface PostBatch {
  readonly labels: LabelMaps;
  readonly rotationsDeg: Float64Array;
}

/**
 * A batch of the post's images: image `i` gets a rotation drawn uniformly from `[0, 90)` degrees
 * (`Random(seed).uniform(0, 90)`, one draw per image in order) and the label map of
 * {@link seedMasks}`(height, width, rotation)`.
 *
 * Z-order where objects overlap: classes are painted in increasing order, so a later class covers an
 * earlier one: disk (3) over square (2) over ellipse (1). At 64x64 the disk covers part of both.
 *
 * @returns labels `[n, height, width]` (0 background, 1 ellipse, 2 square, 3 disk) and the rotations
 * @example
 * ```ts
 * const { labels } = postBatch({ n: 8, height: 64, width: 64, seed: 0 });
 * const y = oneHot(labels, POST_NUM_CLASSES); // [8, 64, 64, 4]
 * ```
 */
export function postBatch(options: PostBatchOptions): PostBatch {
  const where = 'postBatch';
  const { n, height, width, seed } = options ?? ({} as PostBatchOptions);
  checkSize(where, 'n', n);
  checkSize(where, 'height', height);
  checkSize(where, 'width', width);
  checkSeed(where, seed);
  const rng = new Random(seed);
  const p = height * width;
  const data = new Uint8Array(n * p);
  const rotationsDeg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    rotationsDeg[i] = rng.uniform(0, 90);
    const masks = seedMasks(height, width, rotationsDeg[i]);
    const image = data.subarray(i * p, (i + 1) * p);
    masks.forEach((mask, k) => {
      for (let q = 0; q < p; q++) if (mask[q]) image[q] = k + 1;
    });
  }
  return { labels: { data, shape: [n, height, width] }, rotationsDeg };
}

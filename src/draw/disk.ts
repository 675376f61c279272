import { fail } from '../core/errors.js';
import { resolveOptions } from '../core/validate.js';
import { checkFiniteArg, checkImageShape, checkRadius, type ImageShape, type PixelCoords } from './clip.js';
import { rasterEllipse } from './ellipse.js';

/** Options of {@link disk}. */
export interface DiskOptions {
  /** Image `[rows, cols]`; pixels outside are dropped. Without it the full disk is returned. */
  readonly shape?: ImageShape;
}

/**
 * Pixels inside a disk, exactly the set `skimage.draw.disk(center, radius, shape=shape)` returns
 * (skimage >= 0.19): the ellipse with both half-axes equal to `radius` and no rotation, i.e. pixel
 * `(i, j)` with `((i - r) / radius)^2 + ((j - c) / radius)^2 < 1` (strict, so radius 0 gives no pixel).
 *
 * @param center - `[r, c]` centre (fractional allowed)
 * @param radius - `>= 0`
 * @param options - `shape` `[rows, cols]` to clip to
 * @returns `{rr, cc}` Int32Arrays in row-major order
 * @throws SeglossError for a non-finite centre, a negative or NaN radius, or a bad `shape`
 * @example
 * ```ts
 * disk([1, 1], 1.5); // the 3x3 block rows 0..2, cols 0..2 (9 pixels); radius 1 would give 5
 * ```
 * @see https://scikit-image.org/docs/stable/api/skimage.draw.html#skimage.draw.disk
 */
export function disk(
  center: readonly [number, number] | readonly number[],
  radius: number,
  options: DiskOptions = {},
): PixelCoords {
  const where = 'disk';
  const opts = resolveOptions<DiskOptions>(where, options, { shape: undefined });
  if (!Array.isArray(center) || center.length !== 2) {
    fail(where, `center is ${JSON.stringify(center)}; expected [r, c]`);
  }
  checkFiniteArg(where, 'center[0]', center[0]);
  checkFiniteArg(where, 'center[1]', center[1]);
  checkRadius(where, 'radius', radius);
  const shape = checkImageShape(where, opts.shape);
  return rasterEllipse(center[0], center[1], radius, radius, shape, 0);
}

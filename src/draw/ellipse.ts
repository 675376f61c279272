import { cos, sin } from '../core/trig.js';
import { resolveOptions } from '../core/validate.js';
import {
  checkFiniteArg,
  checkImageShape,
  checkRadius,
  clipRange,
  PixelCollector,
  type ImageShape,
  type PixelCoords,
} from './clip.js';

/** Options of {@link ellipse}. */
export interface EllipseOptions {
  /** Image `[rows, cols]`; pixels outside are dropped. Without it the full ellipse is returned. */
  readonly shape?: ImageShape;
  /** Counter-clockwise rotation in radians (any sign; reduced modulo pi). Default 0. */
  readonly rotation?: number;
}

/**
 * Python's float remainder `x % m` for `m > 0` (result in `[0, m]`, sign of the divisor), which numpy's
 * `np.remainder` also computes: `fmod`, then add `m` to a negative remainder. Note that a tiny negative
 * `x` gives exactly `m` after rounding, which skimage then reduces a second time.
 */
export function pyMod(x: number, m: number): number {
  const r = x % m;
  if (r === 0) return 0;
  return r < 0 ? r + m : r;
}

/**
 * The rasteriser shared by {@link ellipse} and `disk`, on validated arguments. Follows skimage 0.19's
 * `ellipse` / `_ellipse_in_shape` operation for operation so boundary pixels agree in float64:
 *
 * 1. `rot = rotation mod pi`; rotated half-extents `rExt = |rR cos(rot)| + cR sin(rot)`,
 *    `cExt = rR sin(rot) + |cR cos(rot)|`;
 * 2. bounding box `ceil(centre - ext) .. floor(centre + ext)`, clipped to `shape` when given;
 * 3. with `rot2 = rot mod pi` (a second reduction, as skimage does), `dr = i - (r - r0)`,
 *    `dc = j - (c - c0)` for box offsets `i, j`, a pixel is inside when
 *    `((dr cos + dc sin) / rR)^2 + ((dr sin - dc cos) / cR)^2 < 1` (strict; a zero radius gives no pixel).
 */
export function rasterEllipse(
  r: number,
  c: number,
  rRadius: number,
  cRadius: number,
  shape: [number, number] | undefined,
  rotation: number,
): PixelCoords {
  const rot = pyMod(rotation, Math.PI);
  const sinBox = sin(rot);
  const cosBox = cos(rot);
  const rExt = Math.abs(rRadius * cosBox) + cRadius * sinBox;
  const cExt = rRadius * sinBox + Math.abs(cRadius * cosBox);
  const [r0, r1] = clipRange(Math.ceil(r - rExt), Math.floor(r + rExt), shape?.[0]);
  const [c0, c1] = clipRange(Math.ceil(c - cExt), Math.floor(c + cExt), shape?.[1]);
  const rows = r1 - r0 + 1;
  const cols = c1 - c0 + 1;
  if (rows <= 0 || cols <= 0) return new PixelCollector(0).finish();

  const rot2 = pyMod(rot, Math.PI);
  const sinA = sin(rot2);
  const cosA = cos(rot2);
  const rOrg = r - r0;
  const cOrg = c - c0;
  const out = new PixelCollector(rows * cols);
  for (let i = 0; i < rows; i++) {
    const dr = i - rOrg;
    for (let j = 0; j < cols; j++) {
      const dc = j - cOrg;
      const a = (dr * cosA + dc * sinA) / rRadius;
      const b = (dr * sinA - dc * cosA) / cRadius;
      if (a * a + b * b < 1) out.push(i + r0, j + c0);
    }
  }
  return out.finish();
}

/**
 * Pixels inside an ellipse, exactly the set `skimage.draw.ellipse(r, c, r_radius, c_radius, shape,
 * rotation)` returns (skimage >= 0.19), in the same row-major order.
 *
 * Pixel `(i, j)` is inside when, with `dr = i - r`, `dc = j - c` and `a` the rotation:
 * `((dr cos a + dc sin a) / rRadius)^2 + ((dr sin a - dc cos a) / cRadius)^2 < 1`, and it lies in the
 * rotated bounding box (see {@link rasterEllipse} for the exact float64 order of operations).
 *
 * @param r - centre row (fractional allowed)
 * @param c - centre column
 * @param rRadius - half-axis along rows before rotation, `>= 0` (0 gives no pixel)
 * @param cRadius - half-axis along columns before rotation, `>= 0`
 * @param options - `shape` `[rows, cols]` to clip to; `rotation` in radians, counter-clockwise
 * @returns `{rr, cc}` Int32Arrays of pixel rows and columns (may be negative without `shape`)
 * @throws SeglossError for non-finite arguments, negative radii or a bad `shape`
 * @example
 * ```ts
 * ellipse(1, 1, 1.5, 1.5, { shape: [3, 3] }); // all 9 pixels of the 3x3 image
 * ellipse(5, 6, 3, 5, { rotation: Math.PI / 6 }).rr.length; // 47 (skimage's docstring example)
 * ```
 * @see https://scikit-image.org/docs/stable/api/skimage.draw.html#skimage.draw.ellipse
 */
export function ellipse(
  r: number,
  c: number,
  rRadius: number,
  cRadius: number,
  options: EllipseOptions = {},
): PixelCoords {
  const where = 'ellipse';
  const opts = resolveOptions<EllipseOptions>(where, options, { shape: undefined, rotation: 0 });
  checkFiniteArg(where, 'r', r);
  checkFiniteArg(where, 'c', c);
  checkRadius(where, 'rRadius', rRadius);
  checkRadius(where, 'cRadius', cRadius);
  checkFiniteArg(where, "option 'rotation'", opts.rotation ?? 0);
  const shape = checkImageShape(where, opts.shape);
  return rasterEllipse(r, c, rRadius, cRadius, shape, opts.rotation ?? 0);
}

import { fail } from '../core/errors.js';
import { resolveOptions } from '../core/validate.js';
import { checkImageShape, type ImageShape, PixelCollector, type PixelCoords } from './clip.js';

/** Options of {@link polygon}. */
export interface PolygonOptions {
  /** Image `[rows, cols]`; limits the largest row/column. Without it the full polygon is returned. */
  readonly shape?: ImageShape;
}

/** Position of a point relative to a polygon, as in skimage's `point_in_polygon`. */
export enum PointPosition {
  Outside = 0,
  Inside = 1,
  Vertex = 2,
  Edge = 3,
}

/**
 * Crossing-number test of point `(x, y)` against the polygon with vertices `(xp[i], yp[i])` (closed
 * implicitly), after O'Rourke, *Computational Geometry in C* (2nd ed., 1998), ch. 7, as skimage uses it:
 * a point within 1e-12 of a vertex is a `Vertex`; otherwise the edges crossing the horizontal line
 * through the point are counted to the right (`r`) and to the left (`l`); different parities mean the
 * point lies on an `Edge`, odd `r` means `Inside`. The crossing abscissa is
 * `(x0 y1 - x1 y0) / (y1 - y0)` with coordinates relative to the point, evaluated in this order.
 */
export function pointInPolygon(
  xp: ArrayLike<number>,
  yp: ArrayLike<number>,
  x: number,
  y: number,
): PointPosition {
  const eps = 1e-12;
  const n = xp.length;
  let x1 = xp[n - 1] - x;
  let y1 = yp[n - 1] - y;
  let rCross = 0;
  let lCross = 0;
  for (let i = 0; i < n; i++) {
    const x0 = xp[i] - x;
    const y0 = yp[i] - y;
    if (-eps < x0 && x0 < eps && -eps < y0 && y0 < eps) return PointPosition.Vertex;
    if (y0 > 0 !== y1 > 0 && (x0 * y1 - x1 * y0) / (y1 - y0) > 0) rCross++;
    if (y0 < 0 !== y1 < 0 && (x0 * y1 - x1 * y0) / (y1 - y0) < 0) lCross++;
    x1 = x0;
    y1 = y0;
  }
  if ((rCross & 1) !== (lCross & 1)) return PointPosition.Edge;
  return rCross & 1 ? PointPosition.Inside : PointPosition.Outside;
}

/**
 * Pixels of a polygon, exactly the set `skimage.draw.polygon(r, c, shape)` returns (skimage >= 0.19),
 * in the same row-major order: every pixel centre `(i, j)` of the box
 * `int(max(0, min r)) .. ceil(max r)` x `int(max(0, min c)) .. ceil(max c)` (the upper ends limited to
 * `shape - 1` when given; rows and columns below 0 are never returned) that {@link pointInPolygon}
 * finds inside, on an edge or on a vertex. A zero-area polygon (one vertex, collinear vertices) gives
 * only the pixel centres on its vertices: along a doubled-back segment the crossings cancel, as in
 * skimage (`polygon([0, 2, 4], [0, 2, 4])` is `(0,0), (2,2), (4,4)`).
 *
 * @param r - vertex rows, length `n >= 1`
 * @param c - vertex columns, same length as `r`
 * @param options - `shape` `[rows, cols]` to clip to
 * @returns `{rr, cc}` Int32Arrays
 * @throws SeglossError when `r` and `c` differ in length, are empty, or hold non-finite values
 * @example
 * ```ts
 * polygon([1, 1, 3, 3], [1, 3, 3, 1]); // the 3x3 block rows 1..3, cols 1..3 (edges count as inside)
 * ```
 * @see https://scikit-image.org/docs/stable/api/skimage.draw.html#skimage.draw.polygon
 */
export function polygon(
  r: ArrayLike<number>,
  c: ArrayLike<number>,
  options: PolygonOptions = {},
): PixelCoords {
  const where = 'polygon';
  const opts = resolveOptions<PolygonOptions>(where, options, { shape: undefined });
  if (r.length !== c.length) {
    fail(where, `r has ${r.length} vertices but c has ${c.length}; expected the same length`);
  }
  if (r.length === 0) fail(where, 'r and c are empty; expected at least one vertex');
  const rv = Float64Array.from(r);
  const cv = Float64Array.from(c);
  for (const [arg, v] of [
    ['r', rv],
    ['c', cv],
  ] as const) {
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(where, `${arg}[${bad}] is ${v[bad]}; expected finite vertex coordinates`);
  }
  const shape = checkImageShape(where, opts.shape);
  const minr = Math.floor(Math.max(0, minOf(rv)));
  const minc = Math.floor(Math.max(0, minOf(cv)));
  let maxr = Math.ceil(maxOf(rv));
  let maxc = Math.ceil(maxOf(cv));
  if (shape) {
    maxr = Math.min(shape[0] - 1, maxr);
    maxc = Math.min(shape[1] - 1, maxc);
  }
  const rows = maxr - minr + 1;
  const cols = maxc - minc + 1;
  const out = new PixelCollector(rows > 0 && cols > 0 ? rows * cols : 0);
  for (let i = minr; i <= maxr; i++) {
    for (let j = minc; j <= maxc; j++) {
      if (pointInPolygon(cv, rv, j, i) !== PointPosition.Outside) out.push(i, j);
    }
  }
  return out.finish();
}

function minOf(v: Float64Array): number {
  let m = Infinity;
  for (const x of v) m = Math.min(m, x);
  return m;
}

function maxOf(v: Float64Array): number {
  let m = -Infinity;
  for (const x of v) m = Math.max(m, x);
  return m;
}

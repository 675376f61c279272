/**
 * Correctly rounded sine and cosine in float64, for the rasterisers' rotations.
 *
 * Why: an ellipse pixel exactly on the boundary (integer centre and radii, e.g. a circle of radius 10
 * and the lattice point (6, 8)) lands inside or outside depending on the last bit of `sin` and `cos`.
 * skimage's pixel sets depend on the sine and cosine numpy calls, hence on the machine: numpy 1.24 with
 * AVX512 dispatch uses SVML's vector sine/cosine, which differs from glibc's libm in the last bits for
 * most arguments (60,749 of 100,000 uniform draws in [0, pi) for sin, measured here), so that
 * `skimage.draw.ellipse(15, 15, 10, 10, rotation=np.deg2rad(71))` has 305 pixels with AVX512 and 317
 * without. V8's `Math.sin`/`Math.cos` (an fdlibm port) differ from glibc in 3.2% of 200,000 draws in
 * [-7, 7], glibc from the correctly rounded value in 0.14%. We round correctly: one answer on every
 * engine and machine, equal to numpy's baseline (libm) path except in that 0.14%. The fixtures are made
 * with numpy's AVX512 dispatch switched off (fixtures/skimage/make_fixtures.py) and record the AVX512
 * pixel sets of the exact-boundary cases as well.
 *
 * Method: double-double arithmetic (Dekker 1971; Shewchuk 1997). `x` is reduced by `k * pi/2` with
 * `pi/2` split into four doubles (Cody & Waite 1980), then `sin r` and `cos r` are summed as Taylor
 * series in double-double (`|r| <= pi/4`, 30 terms, truncation below 2^-110) and rounded once. The
 * result is the correctly rounded value unless the exact one lies within about 2^-100 of a midpoint
 * between two doubles. Accurate for `|x| < 2^20` (rotations are reduced modulo pi first).
 */

/** A double-double number `hi + lo` with `|lo| <= ulp(hi) / 2`. */
type DD = readonly [number, number];

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  const ta = SPLITTER * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLITTER * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(x: DD, y: DD): DD {
  const [s, e] = twoSum(x[0], y[0]);
  const [t, f] = twoSum(x[1], y[1]);
  const [s2, e2] = twoSum(s, e + t);
  return twoSum(s2, e2 + f);
}

function mul(x: DD, y: DD): DD {
  const [p, e] = twoProd(x[0], y[0]);
  return twoSum(p, e + (x[0] * y[1] + x[1] * y[0]));
}

function divSmall(x: DD, d: number): DD {
  const q = x[0] / d;
  const [p, e] = twoProd(q, d);
  const r = (x[0] - p - e + x[1]) / d;
  return twoSum(q, r);
}

// pi/2 = P1 + P2 + P3 + P4 (each the double nearest the remainder), from 100 decimal digits of pi.
const P1 = 1.5707963267948966;
const P2 = 6.123233995736766e-17;
const P3 = -1.4973849048591698e-33;
const P4 = 5.562271104316826e-50;

/** `x - k pi/2` in double-double, `k = round(x / (pi/2))`; returns `[r, k mod 4]`. */
function reduce(x: number): [DD, number] {
  const k = Math.round(x / P1);
  let r: DD = twoSum(x, -k * P1); // k * P1 is exact for |k| < 2^20 (P1 has 53 bits, k few)
  const kp1 = twoProd(k, P1);
  r = add(twoSum(x, -kp1[0]), [-kp1[1], 0]);
  r = add(r, twoProd(-k, P2));
  r = add(r, twoProd(-k, P3));
  r = add(r, [-k * P4, 0]);
  return [r, ((k % 4) + 4) % 4];
}

/** Taylor sums `[sin r, cos r]` in double-double for `|r| <= pi/4`. */
function sinCosSeries(r: DD): [DD, DD] {
  const r2 = mul(r, r);
  let term: DD = r;
  let s: DD = r;
  let cTerm: DD = [1, 0];
  let c: DD = [1, 0];
  for (let n = 1; n <= 15; n++) {
    term = divSmall(mul(term, r2), -(2 * n) * (2 * n + 1));
    s = add(s, term);
    cTerm = divSmall(mul(cTerm, r2), -(2 * n - 1) * (2 * n));
    c = add(c, cTerm);
  }
  return [s, c];
}

/**
 * `[sin x, cos x]`, each the float64 nearest the exact value (see the file comment).
 *
 * @example
 * ```ts
 * sinCos(71 * (Math.PI / 180)); // [0.9455185755993167, 0.32556815445715676], as glibc
 * sinCos(0); // [0, 1]
 * ```
 */
export function sinCos(x: number): [number, number] {
  if (x === 0) return [x, 1];
  const [r, q] = reduce(x);
  const [s, c] = sinCosSeries(r);
  const sin = s[0] + s[1];
  const cos = c[0] + c[1];
  if (q === 0) return [sin, cos];
  if (q === 1) return [cos, -sin];
  if (q === 2) return [-sin, -cos];
  return [-cos, sin];
}

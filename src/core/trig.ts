/**
 * Sine and cosine that give the same bits in every JavaScript engine.
 *
 * ECMAScript leaves the last bit of `Math.sin` and `Math.cos` to the engine, and engines differ:
 * Node 20 (V8 11.3) and chromium 156 return different doubles for e.g. `sin(46.93°)`. The post's
 * ellipses and the synthetic scenes are rasterised with strict comparisons, so one ulp can move a pixel
 * on an object's edge, and the browser lab would then disagree with `segloss demo`. These functions use
 * only `+ - *` on doubles (exactly specified by IEEE 754), so every engine computes them alike, and
 * they follow the algorithm of fdlibm (Sun Microsystems, 1993) that Node 20's V8 uses, so they return
 * what Node 20's `Math.sin`/`Math.cos` return (checked on random and special arguments in trig.test.ts).
 *
 * The algorithm (fdlibm's `__ieee754_rem_pio2`, `__kernel_sin`, `__kernel_cos`; the coefficients and the
 * split constants of pi/2 are fdlibm's): reduce `x = n·(pi/2) + (y0 + y1)` with pi/2 split into 33-bit
 * pieces (Cody & Waite), two or three pieces deep when the reduction cancels, then evaluate a minimax
 * polynomial of degree 13 (sine) or 14 (cosine) on `[-pi/4, pi/4]`, with the tail `y1` as a correction.
 * Arguments are limited to `|x| <= 2^20·pi/2` (about 1.6 million), far beyond the angles segloss draws.
 */
import { fail } from './errors.js';

const view = new DataView(new ArrayBuffer(8));
/** The high 32 bits of a double (sign, exponent, top of the mantissa). */
function highWord(x: number): number {
  view.setFloat64(0, x);
  return view.getUint32(0);
}
/** The double with high word `hi` and low word 0. */
function fromHighWord(hi: number): number {
  view.setUint32(0, hi >>> 0);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

// sin(x) ≈ x + x^3 (S1 + x^2 S2 + ... + x^10 S6) on [-pi/4, pi/4] (fdlibm k_sin.c).
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
// cos(x) ≈ 1 - x^2/2 + x^4 (C1 + x^2 C2 + ... + x^10 C6) on [-pi/4, pi/4] (fdlibm k_cos.c).
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;
// 2/pi and pi/2 = PIO2_1 + PIO2_2 + PIO2_3 + PIO2_3T, each of the first three with 33 significant bits;
// PIO2_kT = pi/2 - (PIO2_1 + ... + PIO2_k) (fdlibm e_rem_pio2.c).
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417;
const PIO2_1T = 6.07710050650619224932e-11;
const PIO2_2 = 6.0771005063039659766e-11;
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.0222662487111664558e-21;
const PIO2_3T = 8.47842766036889956997e-32;

/** sin(x + y) for |x| <= pi/4, |y| tiny against x (the reduction's tail). */
function kernelSin(x: number, y: number, hasTail: boolean): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return x; // |x| < 2^-27: sin x = x to the last bit
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (!hasTail) return x + v * (S1 + z * r);
  // sin(x + y) ≈ sin x + y cos x ≈ sin x + y (1 - x^2/2)
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

/** cos(x + y) for |x| <= pi/4. */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return 1;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  // 1 - x^2/2 loses bits for |x| >= 0.3: subtract qx ≈ x^2/4 from both parts first.
  const qx = ix > 0x3fe90000 ? 0.28125 : fromHighWord(ix - 0x00200000);
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

/** `[n, y0, y1]` with `x = n·pi/2 + y0 + y1`, `|y0 + y1| <= pi/4`. */
function reduce(x: number): [number, number, number] {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  const negative = hx >>> 31 === 1;
  if (ix < 0x4002d97c) {
    // |x| < 3pi/4: n = ±1
    const s = negative ? -1 : 1;
    let z = x - s * PIO2_1;
    let y0: number;
    let y1: number;
    if (ix !== 0x3ff921fb) {
      y0 = z - s * PIO2_1T;
      y1 = z - y0 - s * PIO2_1T;
    } else {
      // x near pi/2: one more piece of pi/2
      z -= s * PIO2_2;
      y0 = z - s * PIO2_2T;
      y1 = z - y0 - s * PIO2_2T;
    }
    return [s, y0, y1];
  }
  if (ix > 0x413921fb) fail('sin/cos', `|x| is ${Math.abs(x)}; expected at most 2^20·pi/2 (1647099)`);
  const t = Math.abs(x);
  const n = Math.trunc(t * INV_PIO2 + 0.5);
  let r = t - n * PIO2_1;
  let w = n * PIO2_1T;
  let y0 = r - w;
  const j = ix >> 20;
  // Bits lost to cancellation in r - w; past 16, subtract the next pieces of pi/2 (n·pi/2 is then
  // within about 2^-16 relative of x).
  if (j - ((highWord(y0) >> 20) & 0x7ff) > 16) {
    let u = r;
    w = n * PIO2_2;
    r = u - w;
    w = n * PIO2_2T - (u - r - w);
    y0 = r - w;
    if (j - ((highWord(y0) >> 20) & 0x7ff) > 49) {
      u = r;
      w = n * PIO2_3;
      r = u - w;
      w = n * PIO2_3T - (u - r - w);
      y0 = r - w;
    }
  }
  const y1 = r - y0 - w;
  return negative ? [-n, -y0, -y1] : [n, y0, y1];
}

/**
 * `sin(x)`, the same double in every engine (see the module comment); NaN for NaN and ±Infinity.
 *
 * @example
 * ```ts
 * sin(Math.PI / 6); // 0.49999999999999994, as Node 20's Math.sin
 * ```
 */
export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, false);
  if (ix >= 0x7ff00000) return NaN;
  const [n, y0, y1] = reduce(x);
  switch (n & 3) {
    case 0:
      return kernelSin(y0, y1, true);
    case 1:
      return kernelCos(y0, y1);
    case 2:
      return -kernelSin(y0, y1, true);
    default:
      return -kernelCos(y0, y1);
  }
}

/**
 * `cos(x)`, the same double in every engine (see the module comment); NaN for NaN and ±Infinity.
 *
 * @example
 * ```ts
 * cos(Math.PI / 3); // 0.5000000000000001, as Node 20's Math.cos
 * ```
 */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return NaN;
  const [n, y0, y1] = reduce(x);
  switch (n & 3) {
    case 0:
      return kernelCos(y0, y1);
    case 1:
      return -kernelSin(y0, y1, true);
    case 2:
      return -kernelCos(y0, y1);
    default:
      return kernelSin(y0, y1, true);
  }
}

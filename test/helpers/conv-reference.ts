/**
 * A plain-loop reference for 2-D convolution gradients, written from the definition of the
 * convolution (no tfjs), shared by the conv-gradient kernel tests.
 */
import assert from 'node:assert/strict';

export type Pad =
  'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** One row: x is [n, h, w, cin], filter [kh, kw, cin, cout]. */
export interface Case {
  name: string;
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: [number, number];
  s: [number, number];
  pad: Pad;
}

/** Output size and leading pad of one axis, from TensorFlow's documented 'same'/'valid' rules. */
export function axis(size: number, k: number, s: number, pad: Pad, dim: 1 | 2): [number, number] {
  if (pad === 'valid') return [Math.ceil((size - k + 1) / s), 0];
  if (pad === 'same') {
    const out = Math.ceil(size / s);
    return [out, Math.floor(Math.max(0, (out - 1) * s + k - size) / 2)];
  }
  if (typeof pad === 'number') return [Math.floor((size + 2 * pad - k) / s) + 1, pad];
  const [before, after] = pad[dim];
  return [Math.floor((size + before + after - k) / s) + 1, before];
}

export interface Geo extends Case {
  oh: number;
  ow: number;
  pt: number;
  pl: number;
}

export function geometry(c: Case): Geo {
  const [oh, pt] = axis(c.h, c.k[0], c.s[0], c.pad, 1);
  const [ow, pl] = axis(c.w, c.k[1], c.s[1], c.pad, 2);
  return { ...c, oh, ow, pt, pl };
}

/**
 * Calls `f(n, oh, ow, kh, kw, xIndexBase)` for every term of the convolution sum whose input pixel
 * `(oh·sh + kh − pt, ow·sw + kw − pl)` lies inside the image.
 */
export function forEachTerm(
  g: Geo,
  f: (n: number, oh: number, ow: number, kh: number, kw: number, xBase: number) => void,
): void {
  for (let n = 0; n < g.n; n++)
    for (let oh = 0; oh < g.oh; oh++)
      for (let ow = 0; ow < g.ow; ow++)
        for (let kh = 0; kh < g.k[0]; kh++)
          for (let kw = 0; kw < g.k[1]; kw++) {
            const i = oh * g.s[0] + kh - g.pt;
            const j = ow * g.s[1] + kw - g.pl;
            if (i < 0 || i >= g.h || j < 0 || j >= g.w) continue;
            f(n, oh, ow, kh, kw, ((n * g.h + i) * g.w + j) * g.cin);
          }
}

/** dx[n,i,j,ci] = Σ dy[n,oh,ow,co] · w[kh,kw,ci,co] over the terms that touch (i, j). */
export function refInputGrad(g: Geo, dy: Float32Array, w: Float32Array): Float64Array {
  const dx = new Float64Array(g.n * g.h * g.w * g.cin);
  forEachTerm(g, (n, oh, ow, kh, kw, xBase) => {
    const dyBase = ((n * g.oh + oh) * g.ow + ow) * g.cout;
    for (let ci = 0; ci < g.cin; ci++)
      for (let co = 0; co < g.cout; co++) {
        dx[xBase + ci] += dy[dyBase + co] * w[((kh * g.k[1] + kw) * g.cin + ci) * g.cout + co];
      }
  });
  return dx;
}

/** dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh+kh−pt, ow·sw+kw−pl, ci] · dy[n,oh,ow,co]. */
export function refFilterGrad(g: Geo, x: Float32Array, dy: Float32Array): Float64Array {
  const dw = new Float64Array(g.k[0] * g.k[1] * g.cin * g.cout);
  forEachTerm(g, (n, oh, ow, kh, kw, xBase) => {
    const dyBase = ((n * g.oh + oh) * g.ow + ow) * g.cout;
    for (let ci = 0; ci < g.cin; ci++)
      for (let co = 0; co < g.cout; co++) {
        dw[((kh * g.k[1] + kw) * g.cin + ci) * g.cout + co] += x[xBase + ci] * dy[dyBase + co];
      }
  });
  return dw;
}

/** Seeded uniform values in [-1, 1) (a 32-bit LCG), so every run checks the same numbers. */
export function randomData(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Every element within 1e-4 of the reference, relative to the reference's largest magnitude. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1e-6;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(err <= 1e-4 * scale, `${what}[${i}] = ${actual[i]}, expected ${expected[i]} (scale ${scale})`);
  }
}

/**
 * Parity of segloss' SIMD conv-gradient kernels, called directly (without tfjs), against the plain-loop
 * reference of conv-reference.ts: shared by src/backend/wasm/simd-kernels.test.ts and by the child
 * process of its relaxed-SIMD test (test/fixtures-wasm/relaxed-simd-child.ts).
 */
import assert from 'node:assert/strict';
import type { ConvGeometry } from '../../src/backend/kernels/conv-geometry.js';
import { filterGradientSimd, filterGradientSimdFits } from '../../src/backend/kernels/filter-grad-simd.js';
import { inputGradientSimd, inputGradientSimdFits } from '../../src/backend/kernels/input-grad-simd.js';
import {
  assertClose,
  geometry,
  randomData,
  refFilterGrad,
  refInputGrad,
  type Case,
} from './conv-reference.js';

/** The kernels' geometry for a reference case (same conventions as conv-geometry.ts). */
export function convGeo(c: Case): ConvGeometry {
  const g = geometry(c);
  return {
    n: c.n,
    inH: c.h,
    inW: c.w,
    inC: c.cin,
    outH: g.oh,
    outW: g.ow,
    outC: c.cout,
    kH: c.k[0],
    kW: c.k[1],
    strideH: c.s[0],
    strideW: c.s[1],
    padTop: g.pt,
    padLeft: g.pl,
  };
}

/**
 * The cases, largest first, so that later ones run in scratch memory holding a previous, larger
 * problem's data.
 */
export const SIMD_CASES: readonly Case[] = [
  { name: 'big', n: 2, h: 20, w: 18, cin: 24, cout: 40, k: [3, 3], s: [1, 1], pad: 'same' },
  { name: 'small odd', n: 1, h: 5, w: 7, cin: 3, cout: 5, k: [3, 3], s: [1, 1], pad: 'valid' },
  { name: 'strided', n: 2, h: 9, w: 8, cin: 6, cout: 9, k: [3, 3], s: [2, 2], pad: 'same' },
  { name: 'tall kernel', n: 1, h: 8, w: 6, cin: 5, cout: 8, k: [5, 1], s: [1, 1], pad: 'same' },
  { name: 'pads wider than the kernel', n: 1, h: 4, w: 5, cin: 4, cout: 3, k: [2, 2], s: [1, 1], pad: 3 },
];

/**
 * Runs both kernels on seeded data for case `c` and asserts them equal to the reference (relative
 * 1e-4 of the largest value); returns the outputs.
 */
export function checkSimdCase(c: Case, seed: number): { dw: Float32Array; dx: Float32Array | null } {
  const g = geometry(c);
  const geo = convGeo(c);
  const x = randomData(c.n * c.h * c.w * c.cin, seed);
  const w = randomData(c.k[0] * c.k[1] * c.cin * c.cout, seed + 1);
  const dy = randomData(c.n * g.oh * g.ow * c.cout, seed + 2);
  assert.ok(filterGradientSimdFits(geo));
  const dw = new Float32Array(w.length).fill(Number.NaN);
  filterGradientSimd(x, dy, geo, dw);
  assertClose(dw, refFilterGrad(g, x, dy), `${c.name}: filter gradient`);
  if (c.s[0] === 1 && c.s[1] === 1) {
    assert.ok(inputGradientSimdFits(geo));
    const dx = new Float32Array(x.length).fill(Number.NaN);
    inputGradientSimd(dy, w, geo, dx);
    assertClose(dx, refInputGrad(g, dy, w), `${c.name}: input gradient`);
    return { dw, dx };
  }
  assert.equal(inputGradientSimdFits(geo), false, 'strided input gradients keep the polyphase path');
  return { dw, dx: null };
}

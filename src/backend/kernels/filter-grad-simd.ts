/**
 * The conv filter gradient on segloss' own wasm SIMD kernel (`filterGrad` in
 * src/backend/wasm/simd-kernels.wat): the fast path of `Conv2DBackpropFilter` on the wasm backend.
 *
 * Formula (NHWC, see conv-geometry.ts):
 * `dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh − padTop, ow·sw + kw − padLeft, ci] · dy[n,oh,ow,co]`.
 *
 * Layout (the same grid as tapGrid in conv2d-backprop-filter.ts): the zero-padded input is split into
 * its `sh·sw` stride phases, each a `[N, Hg, Wg, Cin4]` grid with `Hg = OH + ⌈KH/sh⌉ − 1` (likewise
 * `Wg`), and `dy` is zero-padded onto `[N, Hg, Wg, Cout8]`. Tap `(kh, kw) = (a + u·sh, b + v·sw)` then
 * reads phase `(a, b)` from row `u·Wg + v` on, in step with `dy`, so each tap is one sum over the flat
 * grid: `dW_tap = Σ_q phase[q + u·Wg + v] ⊗ dy[q]`; each phase has `u·Wg + v` zero rows after its end.
 * Channels are padded with zeros to `Cin4 = 4⌈Cin/4⌉` and `Cout8 = 8⌈Cout/8⌉`, the kernel's tile.
 * The copy into the kernel's own memory is this padding; nothing else is materialised (no im2col).
 */
import type { ConvGeometry } from './conv-geometry.js';
import { fail } from '../../core/errors.js';
import { simdKernels, MAX_SCRATCH_BYTES, roundUp, scratchF32 } from '../wasm/simd-instance.js';

/** Rows of the grid per block: the x and dy rows of a block (about 32 KiB) stay in L1 across taps. */
function blockRows(cin4: number, cout8: number): number {
  return Math.max(32, Math.floor(8192 / (cin4 + cout8)));
}

const WHERE = 'filterGradientSimd';

/** Where each operand sits in the kernel's memory (in floats) for one geometry. */
interface Layout {
  hg: number;
  wg: number;
  cells: number;
  cin4: number;
  cout8: number;
  phaseH: number;
  phaseW: number;
  phaseFloats: number;
  phasesAt: number;
  dyAt: number;
  outAt: number;
  total: number;
}

function layout(g: ConvGeometry): Layout {
  const { n, inC, outH, outW, outC, kH, kW, strideH: sh, strideW: sw } = g;
  const hg = outH + Math.ceil(kH / sh) - 1;
  const wg = outW + Math.ceil(kW / sw) - 1;
  const cells = n * hg * wg;
  const cin4 = roundUp(inC, 4);
  const cout8 = roundUp(outC, 8);
  const phaseH = Math.min(sh, kH);
  const phaseW = Math.min(sw, kW);
  const tail = (Math.ceil(kH / sh) - 1) * wg + Math.ceil(kW / sw) - 1;
  const phaseFloats = (cells + tail) * cin4;
  // Tap table, phases, dy grid, out; every block 16-byte aligned.
  const phasesAt = roundUp(kH * kW, 4);
  const dyAt = phasesAt + phaseH * phaseW * phaseFloats;
  const outAt = dyAt + cells * cout8;
  const total = outAt + kH * kW * cin4 * cout8;
  return { hg, wg, cells, cin4, cout8, phaseH, phaseW, phaseFloats, phasesAt, dyAt, outAt, total };
}

/**
 * Whether {@link filterGradientSimd} can run geometry `g`: the kernel compiled on this engine and the
 * problem needs at most {@link MAX_SCRATCH_BYTES} of scratch memory.
 */
export function filterGradientSimdFits(g: ConvGeometry): boolean {
  return simdKernels() !== null && layout(g).total * 4 <= MAX_SCRATCH_BYTES;
}

/**
 * Computes the filter gradient into `out` (`[KH, KW, Cin, Cout]`, overwritten) with the SIMD kernel.
 * Check {@link filterGradientSimdFits} first.
 *
 * @param x - `[N, H, W, Cin]` forward input, flat.
 * @param dy - `[N, OH, OW, Cout]` upstream gradient, flat.
 * @param g - geometry from convGeometry.
 * @param out - `KH·KW·Cin·Cout` floats.
 * @example
 * ```ts
 * if (filterGradientSimdFits(g)) filterGradientSimd(xData, dyData, g, dwData);
 * ```
 */
export function filterGradientSimd(
  x: Float32Array,
  dy: Float32Array,
  g: ConvGeometry,
  out: Float32Array,
): void {
  const wasm = simdKernels();
  if (wasm === null || !filterGradientSimdFits(g)) fail(WHERE, 'the SIMD kernel cannot run this geometry');
  const { n, inC, outH, outW, outC, kH, kW, strideH: sh, strideW: sw } = g;
  const { hg, wg, cells, cin4, cout8, phaseH, phaseW, phaseFloats, phasesAt, dyAt, outAt, total } = layout(g);
  const ntaps = kH * kW;
  const tabAt = 0;
  const mem = scratchF32(wasm, total * 4);
  mem.fill(0, phasesAt, total);
  const tab = new Int32Array(mem.buffer, tabAt * 4, ntaps);
  // Phase (a, b), grid cell (m, i, j) holds x[m, a + i·sh − padTop, b + j·sw − padLeft, :].
  for (let a = 0; a < phaseH; a++) {
    for (let b = 0; b < phaseW; b++) {
      const base = phasesAt + (a * phaseW + b) * phaseFloats;
      copyPhase(x, mem, base, g, a, b, hg, wg, cin4);
      for (let u = 0; a + u * sh < kH; u++) {
        for (let v = 0; b + v * sw < kW; v++) {
          tab[(a + u * sh) * kW + b + v * sw] = (base + (u * wg + v) * cin4) * 4;
        }
      }
    }
  }
  for (let m = 0; m < n; m++) {
    for (let i = 0; i < outH; i++) {
      const src = (m * outH + i) * outW * outC;
      const dst = dyAt + (m * hg + i) * wg * cout8;
      copyRows(dy, src, outC, mem, dst, cout8, outW);
    }
  }
  wasm.filterGrad(tabAt * 4, ntaps, dyAt * 4, outAt * 4, cells, cin4, cout8, blockRows(cin4, cout8));
  for (let t = 0; t < ntaps; t++) {
    for (let ci = 0; ci < inC; ci++) {
      const src = outAt + (t * cin4 + ci) * cout8;
      out.set(mem.subarray(src, src + outC), (t * inC + ci) * outC);
    }
  }
}

/**
 * Copies `count` pixels of `c` channels from `src` (from `s`, every `step`-th pixel) to `dst` (from `d`,
 * `cPad` floats per pixel): one block copy when both sides are contiguous, else pixel by pixel.
 */
function copyRows(
  src: Float32Array,
  s: number,
  c: number,
  dst: Float32Array,
  d: number,
  cPad: number,
  count: number,
  step = 1,
): void {
  if (step === 1 && cPad === c) {
    dst.set(src.subarray(s, s + count * c), d);
    return;
  }
  for (let p = 0; p < count; p++) {
    const sp = s + p * step * c;
    const dp = d + p * cPad;
    for (let k = 0; k < c; k++) dst[dp + k] = src[sp + k];
  }
}

/** Writes stride phase `(a, b)` of the zero-padded `x` onto its `[N, Hg, Wg, Cin4]` grid at `base`. */
function copyPhase(
  x: Float32Array,
  mem: Float32Array,
  base: number,
  g: ConvGeometry,
  a: number,
  b: number,
  hg: number,
  wg: number,
  cin4: number,
): void {
  const { n, inH, inW, inC, strideH: sh, strideW: sw, padTop, padLeft } = g;
  // Grid columns j whose source column b + j·sw − padLeft lies in [0, inW).
  const j0 = Math.max(0, Math.ceil((padLeft - b) / sw));
  const j1 = Math.min(wg, Math.floor((inW - 1 + padLeft - b) / sw) + 1);
  if (j1 <= j0) return;
  for (let m = 0; m < n; m++) {
    for (let i = 0; i < hg; i++) {
      const h = a + i * sh - padTop;
      if (h < 0 || h >= inH) continue;
      const s = ((m * inH + h) * inW + b + j0 * sw - padLeft) * inC;
      const d = base + ((m * hg + i) * wg + j0) * cin4;
      copyRows(x, s, inC, mem, d, cin4, j1 - j0, sw);
    }
  }
}

/**
 * The stride-1 conv input gradient on segloss' own wasm SIMD kernel (`inputGrad` in
 * src/backend/wasm/simd-kernels.wat): the fast path of `Conv2DBackpropInput` on the wasm backend.
 *
 * Formula (NHWC, stride 1, see conv-geometry.ts):
 * `dx[n,i,j,ci] = Σ_{kh,kw,co} dy[n, i + padTop − kh, j + padLeft − kw, co] · w[kh,kw,ci,co]`.
 *
 * Layout: `dy` is zero-padded onto a `[N, Hg, Wg, Cout]` grid, `Hg = H + KH − 1`, `Wg = W4 + KW − 1`,
 * `W4 = 4⌈W/4⌉`, shifted by `(KH − 1 − padTop, KW − 1 − padLeft)` (negative shifts crop), so that
 * `dx[n,i,j] = Σ_t grid[n, i + KH − 1 − kh, j + KW − 1 − kw] · wᵀ_t`: tap `t = (kh, kw)` is a fixed
 * offset on the flat grid. The filter is laid out as `[KH·KW, Cout, Cin8]` (`Cin8 = 8⌈Cin/8⌉`, zeros
 * past `Cin`), and the kernel writes `[N·H, W4, Cin8]`, of which `[N, H, W, Cin]` is copied out.
 * Strided convolutions keep the polyphase path of conv2d-backprop-input.ts.
 */
import { fail } from '../../core/errors.js';
import type { ConvGeometry } from './conv-geometry.js';
import { simdKernels, MAX_SCRATCH_BYTES, roundUp, scratchF32 } from '../wasm/simd-instance.js';

const WHERE = 'inputGradientSimd';

/** Where each operand sits in the kernel's memory (in floats) for one geometry. */
interface Layout {
  hg: number;
  wg: number;
  w4: number;
  cin8: number;
  dyAt: number;
  wAt: number;
  outAt: number;
  total: number;
}

function layout(g: ConvGeometry): Layout {
  const w4 = roundUp(g.inW, 4);
  const hg = g.inH + g.kH - 1;
  const wg = w4 + g.kW - 1;
  const cin8 = roundUp(g.inC, 8);
  const ntaps = g.kH * g.kW;
  const dyAt = roundUp(ntaps, 4);
  const wAt = roundUp(dyAt + g.n * hg * wg * g.outC, 4);
  const outAt = wAt + ntaps * g.outC * cin8;
  const total = outAt + g.n * g.inH * w4 * cin8;
  return { hg, wg, w4, cin8, dyAt, wAt, outAt, total };
}

/**
 * Whether {@link inputGradientSimd} can run geometry `g`: stride 1, the kernel compiled on this engine,
 * and at most {@link MAX_SCRATCH_BYTES} of scratch memory.
 */
export function inputGradientSimdFits(g: ConvGeometry): boolean {
  return (
    g.strideH === 1 && g.strideW === 1 && simdKernels() !== null && layout(g).total * 4 <= MAX_SCRATCH_BYTES
  );
}

/**
 * Whether the SIMD kernel is worth it for `g`: at most 25% of its work goes to the zero channels that
 * pad `Cin` to a multiple of 8. For fewer channels (an image's 1 or 3, the first layer) XNNPACK's
 * convolution is faster (bench/conv-grad.ts: 10 against 17 ms for 1 -> 16 channels at 64x64).
 */
export function inputGradientSimdPays(g: ConvGeometry): boolean {
  return roundUp(g.inC, 8) <= 1.25 * g.inC;
}

/**
 * Computes the stride-1 input gradient into `out` (`[N, H, W, Cin]`, overwritten) with the SIMD kernel.
 * Check {@link inputGradientSimdFits} first.
 *
 * @param dy - `[N, OH, OW, Cout]` upstream gradient, flat.
 * @param w - `[KH, KW, Cin, Cout]` filter, flat.
 * @param g - geometry from convGeometry.
 * @param out - `N·H·W·Cin` floats.
 * @example
 * ```ts
 * if (inputGradientSimdFits(g)) inputGradientSimd(dyData, wData, g, dxData);
 * ```
 */
export function inputGradientSimd(
  dy: Float32Array,
  w: Float32Array,
  g: ConvGeometry,
  out: Float32Array,
): void {
  const wasm = simdKernels();
  if (wasm === null || !inputGradientSimdFits(g)) fail(WHERE, 'the SIMD kernel cannot run this geometry');
  const { n, inH, inW, inC, outH, outW, outC, kH, kW } = g;
  const { hg, wg, w4, cin8, dyAt, wAt, outAt, total } = layout(g);
  const ntaps = kH * kW;
  const mem = scratchF32(wasm, total * 4);
  mem.fill(0, dyAt, outAt);
  const offTab = new Int32Array(mem.buffer, 0, ntaps);
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      const t = kh * kW + kw;
      offTab[t] = ((kH - 1 - kh) * wg + (kW - 1 - kw)) * outC * 4;
      for (let ci = 0; ci < inC; ci++) {
        const src = (t * inC + ci) * outC;
        const dst = wAt + t * outC * cin8 + ci;
        for (let co = 0; co < outC; co++) mem[dst + co * cin8] = w[src + co];
      }
    }
  }
  // Grid cell (m, r, c) holds dy[m, r − top, c − left].
  const top = kH - 1 - g.padTop;
  const left = kW - 1 - g.padLeft;
  const c0 = Math.max(0, left);
  const c1 = Math.min(wg, left + outW);
  if (c1 > c0) {
    for (let m = 0; m < n; m++) {
      for (let r = Math.max(0, top); r < Math.min(hg, top + outH); r++) {
        const s = ((m * outH + r - top) * outW + c0 - left) * outC;
        mem.set(dy.subarray(s, s + (c1 - c0) * outC), dyAt + ((m * hg + r) * wg + c0) * outC);
      }
    }
  }
  wasm.inputGrad(dyAt * 4, 0, ntaps, wAt * 4, outAt * 4, n * inH, inH, hg, wg, w4, outC, cin8);
  if (w4 === inW && cin8 === inC) {
    out.set(mem.subarray(outAt, outAt + n * inH * inW * inC));
    return;
  }
  for (let row = 0; row < n * inH; row++) {
    for (let j = 0; j < inW; j++) {
      const src = outAt + (row * w4 + j) * cin8;
      out.set(mem.subarray(src, src + inC), (row * inW + j) * inC);
    }
  }
}

/**
 * segloss' own wasm SIMD kernels: the committed module is what simd-kernels.wat compiles to, it loads in
 * Node, and the two gradient kernels called directly (without tfjs) match the plain-loop reference,
 * also when the scratch memory holds a previous, larger problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileWat, moduleFile, moduleText, WASM_DIR, watSources } from '../../../scripts/build-wasm.js';
import { simdKernels, useSimdKernels } from './simd-instance.js';
import { filterGradientSimd, filterGradientSimdFits } from '../kernels/filter-grad-simd.js';
import {
  inputGradientSimd,
  inputGradientSimdFits,
  inputGradientSimdPays,
} from '../kernels/input-grad-simd.js';
import type { ConvGeometry } from '../kernels/conv-geometry.js';
import {
  assertClose,
  geometry,
  randomData,
  refFilterGrad,
  refInputGrad,
  type Case,
} from '../../../test/helpers/conv-reference.js';

test('the committed wasm modules are what their .wat sources compile to', async () => {
  assert.deepEqual(watSources(), ['heap-kernels.wat', 'simd-kernels.wat']);
  for (const wat of watSources()) {
    const committed = readFileSync(join(WASM_DIR, moduleFile(wat)), 'utf8');
    assert.equal(committed, moduleText(wat, await compileWat(wat)), `${moduleFile(wat)} is stale`);
  }
});

test('the kernels load in Node and can be switched off', () => {
  const wasm = simdKernels();
  assert.ok(wasm !== null, 'Node 20 runs wasm SIMD');
  assert.equal(typeof wasm.filterGrad, 'function');
  assert.equal(typeof wasm.inputGrad, 'function');
  assert.equal(useSimdKernels(false), true);
  assert.equal(simdKernels(), null);
  assert.equal(useSimdKernels(true), false);
  assert.equal(simdKernels(), wasm);
});

/** The kernels' geometry for a reference case (same conventions as conv-geometry.ts). */
function convGeo(c: Case): ConvGeometry {
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

function check(c: Case, seed: number): void {
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
  } else {
    assert.equal(inputGradientSimdFits(geo), false, 'strided input gradients keep the polyphase path');
  }
}

test('direct kernel calls match the reference, also after a larger problem left data in scratch memory', () => {
  const big: Case = { name: 'big', n: 2, h: 20, w: 18, cin: 24, cout: 40, k: [3, 3], s: [1, 1], pad: 'same' };
  check(big, 1);
  check({ name: 'small odd', n: 1, h: 5, w: 7, cin: 3, cout: 5, k: [3, 3], s: [1, 1], pad: 'valid' }, 2);
  check({ name: 'strided', n: 2, h: 9, w: 8, cin: 6, cout: 9, k: [3, 3], s: [2, 2], pad: 'same' }, 3);
  check({ name: 'tall kernel', n: 1, h: 8, w: 6, cin: 5, cout: 8, k: [5, 1], s: [1, 1], pad: 'same' }, 4);
  check(
    { name: 'pads wider than the kernel', n: 1, h: 4, w: 5, cin: 4, cout: 3, k: [2, 2], s: [1, 1], pad: 3 },
    5,
  );
});

test('problems past the scratch limit are refused with a clear error, so the kernel falls back', () => {
  const huge = convGeo({
    name: 'huge',
    n: 64,
    h: 512,
    w: 512,
    cin: 64,
    cout: 64,
    k: [3, 3],
    s: [1, 1],
    pad: 'same',
  });
  assert.equal(filterGradientSimdFits(huge), false);
  assert.equal(inputGradientSimdFits(huge), false);
  const none = new Float32Array(0);
  assert.throws(
    () => filterGradientSimd(none, none, huge, none),
    /segloss: filterGradientSimd: .*cannot run/,
  );
  assert.throws(() => inputGradientSimd(none, none, huge, none), /segloss: inputGradientSimd: .*cannot run/);
});

test('the SIMD input gradient is used where at most 25% of its work is channel padding', () => {
  const geo = (inC: number) =>
    convGeo({ name: '', n: 1, h: 4, w: 4, cin: inC, cout: 8, k: [3, 3], s: [1, 1], pad: 'same' });
  // Cin padded to a multiple of 8: 1 -> 8 (8x the work), 3 -> 8 (2.7x), 7 -> 8 (1.14x), 9 -> 16 (1.78x),
  // 12 -> 16 (1.33x), 15 -> 16 (1.07x), 20 -> 24 (1.2x).
  const pays = [1, 3, 7, 8, 9, 12, 15, 16, 20, 48].map((c) => [c, inputGradientSimdPays(geo(c))]);
  assert.deepEqual(pays, [
    [1, false],
    [3, false],
    [7, true],
    [8, true],
    [9, false],
    [12, false],
    [15, true],
    [16, true],
    [20, true],
    [48, true],
  ]);
});

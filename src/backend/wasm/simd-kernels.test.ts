/**
 * segloss' own wasm SIMD kernels: the committed module is what simd-kernels.wat compiles to, it loads in
 * Node, and the two gradient kernels called directly (without tfjs) match the plain-loop reference,
 * also when the scratch memory holds a previous, larger problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileWat,
  moduleBuilds,
  moduleFile,
  moduleText,
  relaxedText,
  WASM_DIR,
  watSources,
} from '../../../scripts/build-wasm.js';
import { spawnSync } from 'node:child_process';
import { relaxedSimdActive, simdKernels, useRelaxedSimd, useSimdKernels } from './simd-instance.js';
import { SIMD_KERNELS_RELAXED_WASM } from './simd-kernels-relaxed-module.js';
import { checkSimdCase, convGeo, SIMD_CASES } from '../../../test/helpers/simd-check.js';
import { filterGradientSimd, filterGradientSimdFits } from '../kernels/filter-grad-simd.js';
import {
  inputGradientSimd,
  inputGradientSimdFits,
  inputGradientSimdPays,
} from '../kernels/input-grad-simd.js';

test('the committed wasm modules are what their .wat sources compile to', async () => {
  assert.deepEqual(watSources(), ['heap-kernels.wat', 'simd-kernels.wat']);
  const builds = moduleBuilds();
  assert.deepEqual(
    builds.map((b) => b.name),
    ['heap-kernels.wat', 'simd-kernels.wat', 'simd-kernels-relaxed.wat'],
  );
  for (const { wat, name, relaxed } of builds) {
    const committed = readFileSync(join(WASM_DIR, moduleFile(name)), 'utf8');
    assert.equal(committed, moduleText(name, await compileWat(wat, relaxed)), `${moduleFile(name)} is stale`);
  }
  // The relaxed build fuses the 16 multiply-adds of the two inner loops and nothing else.
  const source = readFileSync(join(WASM_DIR, 'simd-kernels.wat'), 'utf8');
  assert.equal((relaxedText(source).match(/f32x4\.relaxed_madd/g) ?? []).length, 16);
  assert.equal((relaxedText(source).match(/f32x4\.mul/g) ?? []).length, 0);
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

test('direct kernel calls match the reference, also after a larger problem left data in scratch memory', () => {
  SIMD_CASES.forEach((c, i) => checkSimdCase(c, i + 1));
});

test('the relaxed-SIMD build: off by default, and on request used exactly where the engine validates it', () => {
  simdKernels();
  assert.equal(relaxedSimdActive(), false, 'off by default');
  assert.equal(useRelaxedSimd(true), false);
  simdKernels();
  const validates = WebAssembly.validate(Buffer.from(SIMD_KERNELS_RELAXED_WASM, 'base64'));
  assert.equal(relaxedSimdActive(), validates);
  assert.equal(useRelaxedSimd(false), true);
  assert.equal(relaxedSimdActive(), false, 'switched off: the plain build');
  assert.ok(simdKernels() !== null);
  assert.equal(relaxedSimdActive(), false);
});

test('with --experimental-wasm-relaxed-simd (Node 20) the relaxed build runs and matches the reference', () => {
  const child = join(WASM_DIR, '..', '..', '..', 'test', 'fixtures-wasm', 'relaxed-simd-child.ts');
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', child], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { relaxed: boolean; plain: boolean };
  assert.deepEqual({ relaxed: out.relaxed, plain: out.plain }, { relaxed: true, plain: true });
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

// Child process of the relaxed-SIMD test in src/backend/wasm/simd-kernels.test.ts, started with
// `--experimental-wasm-relaxed-simd`: every case through the relaxed build, then through the plain build
// (useRelaxedSimd(false)), each against the reference. Prints {relaxed, plain, maxDifference} and exits
// non-zero when a check fails.
import { relaxedSimdActive, simdKernels, useRelaxedSimd } from '../../src/backend/wasm/simd-instance.js';
import { checkSimdCase, SIMD_CASES } from '../helpers/simd-check.js';

useRelaxedSimd(true);
simdKernels();
const relaxed = relaxedSimdActive();
const fused = SIMD_CASES.map((c, i) => checkSimdCase(c, i + 1));
useRelaxedSimd(false);
simdKernels();
const plain = !relaxedSimdActive();
const unfused = SIMD_CASES.map((c, i) => checkSimdCase(c, i + 1));
let maxDifference = 0;
fused.forEach((f, i) => {
  const u = unfused[i];
  for (let j = 0; j < f.dw.length; j++) maxDifference = Math.max(maxDifference, Math.abs(f.dw[j] - u.dw[j]));
});
console.log(JSON.stringify({ relaxed, plain, maxDifference }));

/**
 * Conv2D forward vs. its two gradients on tfjs' wasm backend with segloss' kernels, for the U-Net's
 * 3x3 layers (batch 16, 16-32-64 filters, 64x64 and 128x128 inputs) and two strided layers, measured
 * side by side (interleaved repetitions, medians). The two gradients are also timed with segloss' SIMD
 * kernels switched off (`useSimdKernels(false)`: the tfjs-ops paths, XNNPACK matmul and conv), the
 * columns "off".
 *
 *   node --import tsx bench/conv-grad.ts [--reps 5] [--baseline]
 *
 * --baseline also times tfjs-backend-wasm's own Conv2DBackpropInput (a naive loop) on each layer.
 *
 * Where the engine has relaxed SIMD (Node 20: `node --experimental-wasm-relaxed-simd --import tsx
 * bench/conv-grad.ts`), the bench asks for segloss' `f32x4.relaxed_madd` build (`useRelaxedSimd(true)`),
 * and the columns "dx plain" / "dW plain" time the default plain `f32x4.mul` + `f32x4.add` build beside it.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerSeglossKernels, useSimdKernels } from '../src/backend/index.js';
import { relaxedSimdActive, simdKernels, useRelaxedSimd } from '../src/backend/wasm/simd-instance.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 5) || 5;
const baseline = args.includes('--baseline');

await tf.setBackend('wasm');
const original = tf.getKernel('Conv2DBackpropInput', 'wasm');
registerSeglossKernels();

/** Median of a list of times. */
function median(ms: number[]): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Times each function `reps` times after one warm-up, interleaved (f1, f2, f3, f1, f2, ...) so that
 * a change in machine load hits all of them alike; returns the median ms of each.
 */
function timeInterleaved(fs: (() => tf.Tensor)[]): number[] {
  const ms: number[][] = fs.map(() => []);
  for (const f of fs) f().dispose();
  for (let i = 0; i < reps; i++) {
    fs.forEach((f, j) => {
      const t0 = performance.now();
      const r = f();
      r.dataSync();
      ms[j].push(performance.now() - t0);
      r.dispose();
    });
  }
  return ms.map(median);
}

useRelaxedSimd(true);
simdKernels();
const relaxed = relaxedSimdActive();

/** `f` with the plain (not relaxed-SIMD) build of segloss' kernels. */
const plainBuild =
  (f: () => tf.Tensor): (() => tf.Tensor) =>
  () => {
    const was = useRelaxedSimd(false);
    try {
      return f();
    } finally {
      useRelaxedSimd(was);
    }
  };

/** `f` with segloss' SIMD kernels switched off. */
const simdOff =
  (f: () => tf.Tensor): (() => tf.Tensor) =>
  () => {
    const was = useSimdKernels(false);
    try {
      return f();
    } finally {
      useSimdKernels(was);
    }
  };

function withNaiveInputKernel<T>(f: () => T): T {
  if (original === undefined) throw new Error('no original Conv2DBackpropInput kernel to compare with');
  const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel(original);
  try {
    return f();
  } finally {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    if (ours !== undefined) tf.registerKernel(ours);
  }
}

// [input size, Cin, Cout, kernel, stride] of the U-Net's 'same' convolutions (encoder, bottom, decoder
// after the skip concat), then two strided layers (a stride-2 down-sampling conv, and a 2x2 stride-2
// layer as used by a transposed-conv up-sampler) for the polyphase path.
const layers = (r: number): [number, number, number, number, number][] => [
  [r, 1, 16, 3, 1],
  [r, 16, 16, 3, 1],
  [r / 2, 16, 32, 3, 1],
  [r / 2, 32, 32, 3, 1],
  [r / 4, 32, 64, 3, 1],
  [r / 4, 64, 64, 3, 1],
  [r / 2, 64, 32, 3, 1],
  [r, 32, 16, 3, 1],
  [r, 16, 32, 3, 2],
  [r, 32, 16, 2, 2],
];

const batch = 16;
console.log(
  `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, batch ${batch}, 'same' pads, median of ${reps}, ` +
    `segloss SIMD build: ${relaxed ? 'relaxed (f32x4.relaxed_madd)' : 'plain (no relaxed SIMD in this engine)'}`,
);
console.log(
  'layer                        fwd ms   dx ms   dW ms  dx/fwd  dW/fwd  dx off  dW off' +
    (relaxed ? '  dx plain  dW plain' : '') +
    (baseline ? '  naive dx ms' : ''),
);
const totals = { fwd: 0, dx: 0, dw: 0, dxPlain: 0, dwPlain: 0 };
for (const size of [64, 128]) {
  for (const [r, cin, cout, k, s] of layers(size)) {
    const x = tf.randomNormal([batch, r, r, cin]) as tf.Tensor4D;
    const w = tf.randomNormal([k, k, cin, cout]) as tf.Tensor4D;
    const y = tf.conv2d(x, w, s, 'same');
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const filterAttrs = { strides: s, pad: 'same', dataFormat: 'NHWC', filterShape: w.shape };
    const dxOf = () => tf.conv2dTranspose(dy, w, x.shape, s, 'same');
    const dwOf = () =>
      tf
        .engine()
        .runKernel('Conv2DBackpropFilter', { x, dy }, filterAttrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    const [fwd, dx, dw, dxOff, dwOff, dxPlain, dwPlain] = timeInterleaved([
      () => tf.conv2d(x, w, s, 'same'),
      dxOf,
      dwOf,
      simdOff(dxOf),
      simdOff(dwOf),
      ...(relaxed ? [plainBuild(dxOf), plainBuild(dwOf)] : []),
    ]);
    const naive = baseline
      ? withNaiveInputKernel(() => timeInterleaved([() => tf.conv2dTranspose(dy, w, x.shape, s, 'same')])[0])
      : 0;
    if (s === 1 && k === 3) {
      totals.fwd += fwd;
      totals.dx += dx;
      totals.dw += dw;
      if (relaxed) {
        totals.dxPlain += dxPlain;
        totals.dwPlain += dwPlain;
      }
    }
    const name = `${size}: ${r}x${r} ${cin}->${cout} ${k}x${k}/${s}`.padEnd(27);
    console.log(
      `${name}  ${fwd.toFixed(1).padStart(6)}  ${dx.toFixed(1).padStart(6)}  ${dw.toFixed(1).padStart(6)}  ` +
        `${(dx / fwd).toFixed(2).padStart(6)}  ${(dw / fwd).toFixed(2).padStart(6)}  ` +
        `${dxOff.toFixed(1).padStart(6)}  ${dwOff.toFixed(1).padStart(6)}` +
        (relaxed ? `  ${dxPlain.toFixed(1).padStart(8)}  ${dwPlain.toFixed(1).padStart(8)}` : '') +
        (baseline ? `  ${naive.toFixed(1).padStart(11)}` : ''),
    );
    tf.dispose([x, w, y, dy]);
  }
}
console.log(
  `total of the 3x3/1 layers    ${totals.fwd.toFixed(1).padStart(6)}  ${totals.dx.toFixed(1).padStart(6)}  ` +
    `${totals.dw.toFixed(1).padStart(6)}  ${(totals.dx / totals.fwd).toFixed(2).padStart(6)}  ` +
    `${(totals.dw / totals.fwd).toFixed(2).padStart(6)}`,
);
if (relaxed) {
  console.log(
    `relaxed / plain build over the 3x3/1 layers: dx ${(totals.dx / totals.dxPlain).toFixed(3)}, ` +
      `dW ${(totals.dw / totals.dwPlain).toFixed(3)} (time ratios; below 1 means the fused build is faster)`,
  );
}

/**
 * Every registered loss on [16, 256, 256, 4] (tensor version on tfjs' wasm backend): forward and
 * forward+gradient, against the typed-array reference (forward), a hand-written plain-loop
 * forward+gradient for cross-entropy, and the memory-traffic floor (bytes read + written / measured
 * memcpy bandwidth). Prints milliseconds and ratios.
 *
 *   node --import tsx bench/loss.ts [--reps 5] [--shape 16,256,256,4] [--only crossentropy,focal]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setupBackend } from '../src/backend/setup.js';
import { ndarray, sizeOf, type NdArray } from '../src/core/ndarray.js';
import { listLosses } from '../src/losses/registry.js';
import { Random } from '../src/synth/random.js';
import { crossEntropyMapTensor } from '../src/losses/crossentropy/tensor.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const reps = Number(arg('--reps') ?? 5) || 5;
const shape = (arg('--shape') ?? '16,256,256,4').split(',').map(Number);
const only = arg('--only')?.split(',');

const backend = await setupBackend('wasm');
const elements = sizeOf(shape);
const c = shape[shape.length - 1];
const pixels = elements / c;

/**
 * Best wall time in ms of `f` over `reps` runs after one warm-up (the minimum, not the median: on a
 * shared machine other processes only ever add time).
 */
function time(f: () => void): number {
  f();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

// Inputs: one-hot targets, softmax probabilities of random logits.
const rand = new Random(1);
const yData = new Float32Array(elements);
const zData = new Float32Array(elements);
const pData = new Float32Array(elements);
for (let i = 0; i < pixels; i++) {
  yData[i * c + Math.floor(rand.uniform() * c)] = 1;
  let s = 0;
  for (let k = 0; k < c; k++) {
    zData[i * c + k] = 2 * rand.uniform();
    s += Math.exp(zData[i * c + k]);
  }
  for (let k = 0; k < c; k++) pData[i * c + k] = Math.exp(zData[i * c + k]) / s;
}
const yNd = ndarray(yData, shape);
const inputs: Record<'probs' | 'logits', NdArray> = {
  probs: ndarray(pData, shape),
  logits: ndarray(zData, shape),
};
const yT = tf.tensor(yData, shape);
const predT = { probs: tf.tensor(pData, shape), logits: tf.tensor(zData, shape) };

// memcpy bandwidth: copy a 64 MiB buffer (read + write).
const big = new Float32Array(16 * 1024 * 1024);
const dst = new Float32Array(big.length);
const copyMs = time(() => dst.set(big));
const bandwidth = (2 * big.byteLength) / (copyMs / 1000); // bytes / s
const floorMs = (arrays: number): number => ((arrays * elements * 4) / bandwidth) * 1000;

/** Hand-written cross-entropy forward + gradient (mean over pixels), one pass per pixel. */
function plainCrossEntropyGrad(
  y: Float32Array,
  x: Float32Array,
  fromLogits: boolean,
  grad: Float32Array,
): number {
  let total = 0;
  const eps = 1e-7;
  const inv = 1 / pixels;
  for (let i = 0; i < pixels; i++) {
    const b = i * c;
    if (fromLogits) {
      let m = -Infinity;
      for (let k = 0; k < c; k++) m = Math.max(m, x[b + k]);
      let s = 0;
      for (let k = 0; k < c; k++) s += Math.exp(x[b + k] - m);
      const lse = m + Math.log(s);
      let ysum = 0;
      for (let k = 0; k < c; k++) {
        total -= y[b + k] * (x[b + k] - lse);
        ysum += y[b + k];
      }
      for (let k = 0; k < c; k++) grad[b + k] = (Math.exp(x[b + k] - lse) * ysum - y[b + k]) * inv;
    } else {
      for (let k = 0; k < c; k++) {
        const v = x[b + k];
        const q = v < eps ? eps : v > 1 - eps ? 1 - eps : v;
        total -= y[b + k] * Math.log(q);
        grad[b + k] = v >= eps && v <= 1 - eps ? (-y[b + k] / q) * inv : 0;
      }
    }
  }
  return total * inv;
}

console.log(
  `backend ${backend}, shape [${shape}] (${(elements / 1e6).toFixed(2)} M elements), best of ${reps} reps, ms`,
);
console.log(
  `memcpy ${(bandwidth / 1e9).toFixed(2)} GB/s; floor: forward reads 2 arrays, forward+grad reads 2 writes 1`,
);
const header = [
  'loss',
  'input',
  'ref fwd',
  'tensor fwd',
  'fwd/ref',
  'fwd/floor',
  'tensor f+g',
  'f+g/floor',
  'plain f+g',
  'f+g/plain',
];
console.log(header.join('\t'));

const plainGrad = new Float32Array(elements);
const runs: Array<[string, 'probs' | 'logits']> = [];
for (const e of listLosses()) {
  if (only !== undefined && !only.includes(e.name)) continue;
  runs.push([e.name, 'probs']);
  if ('fromLogits' in e.defaults) runs.push([e.name, 'logits']);
}
for (const [name, input] of runs) {
  const loss = listLosses().find((e) => e.name === name);
  if (loss === undefined) continue;
  const options = input === 'logits' ? { fromLogits: true } : {};
  try {
    const refMs = time(() => void loss.reference(yNd, inputs[input], options));
    const fwdMs = time(() => {
      const out = loss.tensor(yT, predT[input], options);
      out.dataSync();
      out.dispose();
    });
    const fgMs = time(() => {
      const g = tf.tidy(() => tf.grad((x: tf.Tensor) => loss.tensor(yT, x, options))(predT[input]));
      g.dataSync();
      g.dispose();
    });
    let plain = '';
    let ratio = '';
    if (name === 'crossentropy') {
      const plainMs = time(
        () => void plainCrossEntropyGrad(yData, inputs[input].data, input === 'logits', plainGrad),
      );
      plain = plainMs.toFixed(0);
      ratio = (fgMs / plainMs).toFixed(2);
    }
    console.log(
      [
        name,
        input,
        refMs.toFixed(0),
        fwdMs.toFixed(0),
        (fwdMs / refMs).toFixed(2),
        (fwdMs / floorMs(2)).toFixed(1),
        fgMs.toFixed(0),
        (fgMs / floorMs(3)).toFixed(1),
        plain,
        ratio,
      ].join('\t'),
    );
  } catch (err) {
    console.log(`${name}\t${input}\tfailed: ${(err as Error).message}`);
  }
}
// The cross-entropy kernel alone (crossEntropyMapTensor + mean): no input validation, no reshapes.
for (const input of ['probs', 'logits'] as const) {
  if (only !== undefined && !only.includes('crossentropy')) break;
  const fromLogits = input === 'logits';
  const fwdMs = time(() => {
    const out = tf.tidy(() => tf.mean(crossEntropyMapTensor(yT, predT[input], fromLogits, 1e-7)));
    out.dataSync();
    out.dispose();
  });
  const fgMs = time(() => {
    const g = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.mean(crossEntropyMapTensor(yT, x, fromLogits, 1e-7)))(predT[input]),
    );
    g.dataSync();
    g.dispose();
  });
  const plainMs = time(() => void plainCrossEntropyGrad(yData, inputs[input].data, fromLogits, plainGrad));
  console.log(
    [
      'ce kernel',
      input,
      '',
      fwdMs.toFixed(0),
      '',
      (fwdMs / floorMs(2)).toFixed(1),
      fgMs.toFixed(0),
      (fgMs / floorMs(3)).toFixed(1),
      plainMs.toFixed(0),
      (fgMs / plainMs).toFixed(2),
    ].join('\t'),
  );
}
console.log(`tensors still allocated: ${tf.memory().numTensors}`);

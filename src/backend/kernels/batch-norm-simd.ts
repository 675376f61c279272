/**
 * Training-mode batch normalisation over the channels of `[N, H, W, C]` as two wasm kernels built on
 * the SIMD heap kernels (heap-kernels.wat), four passes over the data forward and three backward:
 * `SeglossBatchNormTrain` and `SeglossBatchNormTrainGrad`. model/fast-batch-norm.ts uses them on the
 * wasm backend when `C` is a multiple of 4, and tfjs ops otherwise.
 *
 * Formulas (Ioffe & Szegedy 2015), per channel, `M = N·H·W`, `r = 1/sqrt(var + ε)`:
 * ```
 * mean = Σ x / M,  var = Σ (x − mean)² / M           (two passes: no cancellation)
 * y    = (g·r)·x + (b − mean·g·r)
 * dβ = Σ dy,  dγ = r · Σ dy·(x − mean)
 * dx   = A·dy + B·x + C,  A = g·r,  B = −g·r²·dγ/M,  C = −g·r·dβ/M − B·mean
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';
import { heapKernels } from '../wasm/heap-instance.js';
import { f32, heapBackend } from './wasm-heap.js';
import { hasKernel } from './kernel-registry.js';

/** Kernel names (wasm backend only). */
export const BN_TRAIN = 'SeglossBatchNormTrain';
export const BN_TRAIN_GRAD = 'SeglossBatchNormTrainGrad';

interface Args {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/**
 * Checks `x` (`[N, H, W, C]`, `C` a multiple of 4), allocates the kernel's three outputs (`[N, H, W, C]`,
 * `[C]`, `[C]`) and `vectors` per-channel scratch vectors on the heap (freed by `release`).
 */
function setup(where: string, args: Args, x: tf.TensorInfo | undefined, vectors: number) {
  if (x === undefined || x.shape.length !== 4 || x.shape[3] % 4 !== 0)
    fail(where, `x has shape ${formatShape(x?.shape ?? [])}; expected [N,H,W,C] with C a multiple of 4`);
  const b = heapBackend(where, args.backend);
  const k = heapKernels(args.backend);
  if (k === null) fail(where, 'the SIMD heap kernels are not available (see useSimdKernels)');
  const c = x.shape[3];
  const rows = x.shape[0] * x.shape[1] * x.shape[2];
  if (rows === 0) fail(where, `x has shape ${formatShape(x.shape)}; expected at least one pixel`);
  const { epsilon } = args.attrs as unknown as { epsilon: number };
  const outs = [b.makeOutput(x.shape, 'float32'), b.makeOutput([c], 'float32'), b.makeOutput([c], 'float32')];
  const scratch = b.makeOutput([vectors * c], 'float32');
  return {
    k,
    c,
    rows,
    epsilon,
    outs,
    /** Heap views of `infos` (taken after every allocation: allocating may grow the heap). */
    views: (infos: (tf.TensorInfo | undefined)[], names: string[]) =>
      infos.map((t, i) => f32(where, names[i], b, t as tf.TensorInfo)),
    vector: (i: number) => f32(where, 'scratch', b, scratch).subarray(i * c, (i + 1) * c),
    release: () => (b as unknown as { disposeData(id: object): void }).disposeData(scratch.dataId),
  };
}

const ptr = (v: Float32Array): number => v.byteOffset;

function trainKernel(args: Args): tf.TensorInfo[] {
  const { x, gamma, beta } = args.inputs;
  const { k, c, rows, epsilon, outs, views, vector, release } = setup(BN_TRAIN, args, x, 2);
  const [xv, yv, mean, variance, g, be] = views(
    [x, ...outs, gamma, beta],
    ['x', 'y', 'mean', 'variance', 'gamma', 'beta'],
  );
  const [a, shift] = [vector(0), vector(1)];
  k.colSums(ptr(xv), rows, c, ptr(mean));
  for (let j = 0; j < c; j++) mean[j] /= rows;
  k.colSqDev(ptr(xv), rows, c, ptr(mean), ptr(variance));
  for (let j = 0; j < c; j++) {
    variance[j] /= rows;
    a[j] = g[j] / Math.sqrt(variance[j] + epsilon);
    shift[j] = be[j] - mean[j] * a[j];
  }
  k.affine(ptr(xv), rows, c, ptr(a), ptr(shift), ptr(yv));
  release();
  return outs;
}

function gradKernel(args: Args): tf.TensorInfo[] {
  const { dy, x, gamma, mean, variance } = args.inputs;
  const { k, c, rows, epsilon, outs, views, vector, release } = setup(BN_TRAIN_GRAD, args, x, 3);
  const [dyv, xv, g, m, v, dx, dGamma, dBeta] = views(
    [dy, x, gamma, mean, variance, ...outs],
    ['dy', 'x', 'gamma', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'],
  );
  const [ca, cb, cc] = [vector(0), vector(1), vector(2)];
  k.colSums(ptr(dyv), rows, c, ptr(dBeta));
  k.colDotDev(ptr(dyv), ptr(xv), rows, c, ptr(m), ptr(dGamma));
  for (let j = 0; j < c; j++) {
    const r = 1 / Math.sqrt(v[j] + epsilon);
    dGamma[j] *= r;
    ca[j] = g[j] * r;
    cb[j] = (-g[j] * r * r * dGamma[j]) / rows;
    cc[j] = (-g[j] * r * dBeta[j]) / rows - cb[j] * m[j];
  }
  k.affine2(ptr(dyv), ptr(xv), rows, c, ptr(ca), ptr(cb), ptr(cc), ptr(dx));
  release();
  return outs;
}

/** Kernel configs of the two batch-norm kernels for the wasm backend. */
export const batchNormSimdConfigs: tf.KernelConfig[] = [
  { kernelName: BN_TRAIN, backendName: 'wasm', kernelFunc: trainKernel as unknown as tf.KernelFunc },
  { kernelName: BN_TRAIN_GRAD, backendName: 'wasm', kernelFunc: gradKernel as unknown as tf.KernelFunc },
];

/**
 * Whether the batch-norm kernels can run `x` on the active backend: wasm with segloss' kernels
 * registered, the heap kernels available, and `C` a multiple of 4.
 *
 * @example
 * ```ts
 * if (batchNormSimdFits(x)) [y, mean, variance] = tf.engine().runKernel(BN_TRAIN, { x, gamma, beta }, { epsilon });
 * ```
 */
export function batchNormSimdFits(x: tf.Tensor): boolean {
  return (
    x.rank === 4 &&
    (x.shape[3] ?? 1) % 4 === 0 &&
    x.size > 0 &&
    x.dtype === 'float32' &&
    hasKernel(BN_TRAIN) &&
    heapKernels(tf.backend()) !== null
  );
}

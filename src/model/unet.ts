import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../core/errors.js';
import { FastBatchNormalization } from './fast-batch-norm.js';

const WHERE = 'buildUNet';

/** Options of {@link buildUNet}. */
export interface UNetOptions {
  /** `[H, W, Cin]`, channels-last; H and W must be divisible by `2 ** (depth - 1)`. */
  readonly inputShape: readonly [number, number, number];
  /**
   * Number of output channels C (classes); at least 2 with `output: 'softmax'`, at least 1 with
   * `'sigmoid'` (multi-label or binary) and `'logits'`.
   */
  readonly numClasses: number;
  /** Resolution levels including the bottleneck (so `depth - 1` max-pools); integer >= 1. Default 3. */
  readonly depth?: number;
  /** Filters at the first level; level `l` has `baseFilters * 2 ** l`. Default 16. */
  readonly baseFilters?: number;
  /** Batch normalisation between each 3x3 convolution and its ReLU (the conv then has no bias). Default true. */
  readonly batchNorm?: boolean;
  /** Dropout rate in [0, 1) after the bottleneck block (the end of the contracting path). Default 0. */
  readonly dropout?: number;
  /**
   * Up-sampling in the expanding path: `'upsample'` = nearest-neighbour x2 (no weights);
   * `'transpose'` = 2x2 stride-2 transposed convolution to the level's filter count. Default `'upsample'`.
   */
  readonly decoder?: 'upsample' | 'transpose';
  /**
   * Final activation: `'softmax'` over C (multiclass), `'sigmoid'` per channel (multi-label, or binary
   * with one channel) or `'logits'` (linear; pair with a loss's `fromLogits`). Default `'softmax'`.
   */
  readonly output?: 'softmax' | 'sigmoid' | 'logits';
  /**
   * Seed for every initializer (and dropout): layer `k` uses `seed + k`, so two models built with the same
   * options and seed have identical weights. Without a seed the weights are random.
   */
  readonly seed?: number;
}

function checkInteger(arg: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    fail(WHERE, `${arg} is ${String(v)}; expected an integer >= ${min}`);
  }
  return v;
}

interface Resolved {
  h: number;
  w: number;
  cin: number;
  numClasses: number;
  depth: number;
  baseFilters: number;
  batchNorm: boolean;
  dropout: number;
  decoder: 'upsample' | 'transpose';
  output: 'softmax' | 'sigmoid' | 'logits';
  seed: number | undefined;
}

const KNOWN = new Set([
  'inputShape',
  'numClasses',
  'depth',
  'baseFilters',
  'batchNorm',
  'dropout',
  'decoder',
  'output',
  'seed',
]);

function resolve(options: UNetOptions): Resolved {
  if (typeof options !== 'object' || options === null) fail(WHERE, 'options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(WHERE, `unknown option '${key}'; expected one of ${[...KNOWN].join(', ')}`);
  }
  const shape = options.inputShape as unknown;
  if (!Array.isArray(shape) || shape.length !== 3) {
    fail(WHERE, `inputShape is ${JSON.stringify(shape)}; expected [H, W, Cin] (three positive integers)`);
  }
  const [h, w, cin] = shape.map((d, i) => checkInteger(`inputShape[${i}]`, d, 1));
  const numClasses = checkInteger('numClasses', options.numClasses, 1);
  const depth = checkInteger('depth', options.depth ?? 3, 1);
  const baseFilters = checkInteger('baseFilters', options.baseFilters ?? 16, 1);
  const batchNorm = options.batchNorm ?? true;
  if (typeof batchNorm !== 'boolean')
    fail(WHERE, `batchNorm is ${String(batchNorm)}; expected true or false`);
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    fail(WHERE, `dropout is ${String(dropout)}; expected a number in [0, 1)`);
  }
  const decoder = options.decoder ?? 'upsample';
  if (decoder !== 'upsample' && decoder !== 'transpose') {
    fail(WHERE, `decoder is '${String(decoder)}'; expected 'upsample' or 'transpose'`);
  }
  const output = options.output ?? 'softmax';
  if (output !== 'softmax' && output !== 'sigmoid' && output !== 'logits') {
    fail(WHERE, `output is '${String(output)}'; expected 'softmax', 'sigmoid' or 'logits'`);
  }
  if (output === 'softmax' && numClasses < 2) {
    fail(
      WHERE,
      `numClasses is ${numClasses} with output 'softmax'; expected at least 2 (or output 'sigmoid' or 'logits')`,
    );
  }
  const factor = 2 ** (depth - 1);
  if (h % factor !== 0 || w % factor !== 0) {
    fail(
      WHERE,
      `inputShape is ${formatShape([h, w, cin])} but depth ${depth} pools ${depth - 1} time(s); ` +
        `expected H and W divisible by ${factor}`,
    );
  }
  const seed = options.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
    fail(WHERE, `seed is ${String(seed)}; expected a finite number or undefined`);
  }
  return { h, w, cin, numClasses, depth, baseFilters, batchNorm, dropout, decoder, output, seed };
}

/**
 * Weight of the old value in batch norm's moving averages: `moving = m * moving + (1 - m) * batch`.
 * PyTorch's default (its `momentum=0.1` is `1 - m`), not Keras' 0.99: with Adam at the learning rates
 * segloss trains at, 0.99 averages over ~100 steps of fast-changing weights and leaves the inference
 * statistics so stale that a model scoring 98% foreground accuracy in training mode predicted only
 * background at inference (measured on `segloss synth` scenes, 300 steps, lr 0.002).
 */
export const BATCH_NORM_MOMENTUM = 0.9;

/**
 * Builds a U-Net (Ronneberger, Fischer & Brox 2015) for per-pixel classification, channels-last, as a
 * functional `tf.LayersModel` mapping `[N, H, W, Cin]` to `[N, H, W, numClasses]`.
 *
 * Architecture, with `F_l = baseFilters * 2^l` for levels `l = 0 .. depth-1`:
 * ```
 * block(F)   = 2 x [conv 3x3 'same' (F filters) -> BatchNorm (if batchNorm) -> ReLU]
 * encoder    : for l < depth-1:  s_l = block(F_l)(x);  x = maxPool 2x2 stride 2 (s_l)
 * bottleneck : x = block(F_{depth-1})(x);  x = dropout(rate)(x) when dropout > 0
 * decoder    : for l = depth-2 .. 0:  x = up(x);  x = concat[x, s_l] (channel axis);  x = block(F_l)(x)
 *              up = nearest-neighbour x2 ('upsample') or conv2dTranspose 2x2 stride 2, F_l filters + ReLU
 * head       : conv 1x1 (numClasses filters) -> softmax over channels ('softmax'), sigmoid per channel
 *              ('sigmoid': multi-label or binary) or linear ('logits')
 * ```
 * Differences from the paper: 'same' padding (output size = input size, no cropping of skips), optional
 * batch norm (tfjs' layer with a fused analytic training gradient, {@link FastBatchNormalization}, moving
 * averages with momentum {@link BATCH_NORM_MOMENTUM}), and
 * nearest up-sampling by default. With the defaults (depth 3, 16 filters) the levels are
 * 16-32-64. Convolutions use Glorot-uniform kernels and zero biases (`glorotUniform({seed: seed + k})`).
 *
 * @param options - see {@link UNetOptions}; bad values throw `segloss: buildUNet: <arg> ... expected ...`.
 * @returns an uncompiled model; call `model.apply(x, {training: true})` inside a loss for batch-norm
 *   training statistics, or `model.predict(x)` for inference.
 * @example
 * ```ts
 * const model = buildUNet({ inputShape: [64, 64, 1], numClasses: 4, seed: 1 });
 * model.outputs[0].shape; // [null, 64, 64, 4]
 * ```
 * @see https://arxiv.org/abs/1505.04597
 */
export function buildUNet(options: UNetOptions): tf.LayersModel {
  const o = resolve(options);
  let k = 0;
  const init = (): ReturnType<typeof tf.initializers.glorotUniform> | 'glorotUniform' =>
    o.seed === undefined ? 'glorotUniform' : tf.initializers.glorotUniform({ seed: o.seed + k++ });

  const block = (x: tf.SymbolicTensor, filters: number, name: string): tf.SymbolicTensor => {
    let y = x;
    for (let i = 1; i <= 2; i++) {
      y = tf.layers
        .conv2d({
          filters,
          kernelSize: 3,
          padding: 'same',
          useBias: !o.batchNorm,
          kernelInitializer: init(),
          name: `${name}_conv${i}`,
        })
        .apply(y) as tf.SymbolicTensor;
      if (o.batchNorm) {
        y = new FastBatchNormalization({
          axis: -1,
          momentum: BATCH_NORM_MOMENTUM,
          name: `${name}_bn${i}`,
        }).apply(y) as tf.SymbolicTensor;
      }
      // A separate ReLU layer: under a gradient tape tfjs un-fuses conv+relu anyway, but keeps conv+bias fused.
      y = tf.layers.reLU({ name: `${name}_relu${i}` }).apply(y) as tf.SymbolicTensor;
    }
    return y;
  };

  const input = tf.input({ shape: [o.h, o.w, o.cin], name: 'image' });
  const filters = (l: number): number => o.baseFilters * 2 ** l;
  const skips: tf.SymbolicTensor[] = [];
  let x: tf.SymbolicTensor = input;
  for (let l = 0; l < o.depth - 1; l++) {
    const s = block(x, filters(l), `enc${l}`);
    skips.push(s);
    x = tf.layers
      .maxPooling2d({ poolSize: 2, strides: 2, name: `enc${l}_pool` })
      .apply(s) as tf.SymbolicTensor;
  }
  x = block(x, filters(o.depth - 1), 'bottleneck');
  if (o.dropout > 0) {
    const seed = o.seed === undefined ? undefined : o.seed + k++;
    x = tf.layers
      .dropout({ rate: o.dropout, seed, name: 'bottleneck_dropout' })
      .apply(x) as tf.SymbolicTensor;
  }
  for (let l = o.depth - 2; l >= 0; l--) {
    if (o.decoder === 'upsample') {
      x = tf.layers
        .upSampling2d({ size: [2, 2], interpolation: 'nearest', name: `dec${l}_up` })
        .apply(x) as tf.SymbolicTensor;
    } else {
      x = tf.layers
        .conv2dTranspose({
          filters: filters(l),
          kernelSize: 2,
          strides: 2,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(),
          name: `dec${l}_up`,
        })
        .apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.concatenate({ axis: -1, name: `dec${l}_concat` }).apply([x, skips[l]]) as tf.SymbolicTensor;
    x = block(x, filters(l), `dec${l}`);
  }
  const head = tf.layers
    .conv2d({
      filters: o.numClasses,
      kernelSize: 1,
      activation: o.output === 'logits' ? 'linear' : o.output,
      kernelInitializer: init(),
      name: 'head',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: head, name: 'unet' });
}

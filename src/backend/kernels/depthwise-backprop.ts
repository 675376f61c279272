/**
 * `DepthwiseConv2dNativeBackpropInput` and `DepthwiseConv2dNativeBackpropFilter` for the wasm backend
 * (tfjs-backend-wasm 4.22 has neither). Correct for any stride, pad and channel multiplier; not tuned.
 *
 * A depthwise filter `w` (`[KH, KW, Cin, m]`) acts like a dense filter with a block-diagonal channel
 * matrix: `W[kh,kw,ci,cj·m + q] = w[kh,kw,ci,q]` when `cj = ci`, else 0, and output channel `ci·m + q`.
 *
 * - Input gradient: the dense input gradient (conv2d-backprop-input.ts) with that block-diagonal `W`;
 *   it does `Cin` times the necessary multiply-adds, which is fine for the few small depthwise layers.
 * - Filter gradient: `dw[kh,kw,ci,q] = Σ_{n,oh,ow} x[n, oh·sh + kh − padTop, ow·sw + kw − padLeft, ci]
 *   · dy[n,oh,ow,ci·m + q]`, one elementwise product and sum per tap over the same flattened tap views
 *   as the dense filter gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import { asTensor4D, checkDy, convGeometry, type ConvGradAttrs } from './conv-geometry.js';
import { conv2dInputGradient } from './conv2d-backprop-input.js';
import { tapGrid } from './conv2d-backprop-filter.js';
import { tapColumns } from './tap-columns.js';

const WHERE_INPUT = 'DepthwiseConv2dNativeBackpropInput';
const WHERE_FILTER = 'DepthwiseConv2dNativeBackpropFilter';

/** Expands a depthwise filter `[KH, KW, Cin, m]` to the dense block-diagonal `[KH, KW, Cin, Cin·m]`. */
export function blockDiagonalFilter(w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, cin, m] = w.shape;
  const eye = tf.reshape(tf.eye(cin), [1, 1, cin, cin, 1]);
  const dense = tf.mul(tf.reshape(w, [kh, kw, cin, 1, m]), eye);
  return tf.reshape(dense, [kh, kw, cin, cin * m]);
}

/** The kernel function registered as `DepthwiseConv2dNativeBackpropInput` on the wasm backend. */
export function depthwiseBackpropInputKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const attrs = args.attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
  const { dy, filter } = args.inputs;
  if (dy === undefined || filter === undefined) fail(WHERE_INPUT, 'inputs must hold dy and filter');
  const g = convGeometry(WHERE_INPUT, attrs.inputShape, filter.shape, attrs, true);
  checkDy(WHERE_INPUT, dy.shape, g);
  return tf.tidy(() => conv2dInputGradient(asTensor4D(dy), blockDiagonalFilter(asTensor4D(filter)), g));
}

/** The kernel function registered as `DepthwiseConv2dNativeBackpropFilter` on the wasm backend. */
export function depthwiseBackpropFilterKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const attrs = args.attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
  const { x, dy } = args.inputs;
  if (x === undefined || dy === undefined) fail(WHERE_FILTER, 'inputs must hold x and dy');
  const g = convGeometry(WHERE_FILTER, x.shape, attrs.filterShape, attrs, true);
  checkDy(WHERE_FILTER, dy.shape, g);
  const m = attrs.filterShape[3];
  return tf.tidy(() => {
    const { dyRows, columns, length, phases } = tapGrid(asTensor4D(x), asTensor4D(dy), g);
    const dy3 = tf.reshape(dyRows, [length, g.inC, m]);
    const taps: tf.Tensor[] = new Array<tf.Tensor>(g.kH * g.kW);
    for (const phase of phases) {
      const windows = phase.taps.map((t) => ({
        rowStart: phase.rowStart,
        offset: phase.first + t.offset,
        limit: phase.limit,
      }));
      const gathered = tapColumns(columns, windows, g.inC, length); // [K·Cin, L]
      phase.taps.forEach((t, k) => {
        const xTap = tf.slice(gathered, [k * g.inC, 0], [g.inC, length]); // [Cin, L]
        taps[t.kh * g.kW + t.kw] = tf.sum(tf.mul(tf.reshape(tf.transpose(xTap), [length, g.inC, 1]), dy3), 0);
      });
    }
    return tf.reshape(tf.stack(taps), [g.kH, g.kW, g.inC, m]);
  });
}

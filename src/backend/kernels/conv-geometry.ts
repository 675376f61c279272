/**
 * Shared geometry for the conv-gradient kernels: attribute parsing and checks, TensorInfo-to-Tensor
 * wrapping.
 *
 * Conventions (channels-last, NHWC): `x` is `[N, H, W, Cin]`, the filter `w` is `[KH, KW, Cin, Cout]`,
 * `dy` is `[N, OH, OW, Cout]`, strides `(sh, sw)`, and `padTop`/`padLeft` are the zeros tfjs adds
 * before the first row/column in the forward pass, so that
 * `y[n,oh,ow,co] = Σ_{kh,kw,ci} x[n, oh·sh + kh − padTop, ow·sw + kw − padLeft, ci] · w[kh,kw,ci,co]`.
 */
import * as tf from '@tensorflow/tfjs';
import { fail, formatShape } from '../../core/errors.js';

/** The pad attribute of tfjs' conv kernels: a mode, one number for all sides, or explicit NHWC pairs. */
export type ConvPad =
  'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** The attributes that the Conv2D / DepthwiseConv2dNative backprop kernels receive. */
export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
}

/** Resolved geometry of one 2-D convolution, all in NHWC. */
export interface ConvGeometry {
  n: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/**
 * Checks the attributes (NHWC only, dilation 1 only) and resolves the geometry with tfjs' own
 * `computeConv2DInfo`, so that 'same'/'valid'/number/explicit pads and `dimRoundingMode` agree with the
 * forward kernel exactly.
 *
 * @param where - kernel name for error messages.
 * @param xShape - `[N, H, W, Cin]`.
 * @param filterShape - `[KH, KW, Cin, Cout]` (for depthwise `[KH, KW, Cin, multiplier]`).
 * @param depthwise - true for DepthwiseConv2dNative geometry (outC = Cin · multiplier).
 */
export function convGeometry(
  where: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvGradAttrs,
  depthwise = false,
): ConvGeometry {
  const format = attrs.dataFormat ?? 'NHWC';
  if (format !== 'NHWC') {
    fail(
      where,
      `dataFormat is '${format}'; expected 'NHWC' (channels-last is the only layout these kernels support)`,
    );
  }
  const d = attrs.dilations ?? 1;
  const [dh, dw] = typeof d === 'number' ? [d, d] : d;
  if (dh !== 1 || dw !== 1) {
    fail(
      where,
      `dilations are [${dh},${dw}]; expected [1,1] (dilated convolution gradients are not supported)`,
    );
  }
  if (xShape.length !== 4)
    fail(where, `input shape ${formatShape(xShape)} has rank ${xShape.length}; expected [N,H,W,C]`);
  if (filterShape.length !== 4) {
    fail(
      where,
      `filter shape ${formatShape(filterShape)} has rank ${filterShape.length}; expected [KH,KW,Cin,Cout]`,
    );
  }
  if (xShape[3] !== filterShape[2]) {
    fail(
      where,
      `input has ${xShape[3]} channels but filter shape ${formatShape(filterShape)} expects ${filterShape[2]}`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  return {
    n: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Checks that `dy` has the shape the forward pass would have produced. */
export function checkDy(where: string, dyShape: readonly number[], g: ConvGeometry): void {
  const want = [g.n, g.outH, g.outW, g.outC];
  if (dyShape.length !== 4 || want.some((v, i) => v !== dyShape[i])) {
    fail(
      where,
      `dy has shape ${formatShape(dyShape)}; expected ${formatShape(want)} for this input, filter and pad`,
    );
  }
}

/**
 * A Tensor view of a kernel input: the Tensor itself when the engine passed one, otherwise a new
 * handle on the same data (call inside `tf.tidy`, which then drops the handle, not the data).
 */
export function asTensor4D(info: tf.TensorInfo): tf.Tensor4D {
  const t = info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info);
  return t as tf.Tensor4D;
}

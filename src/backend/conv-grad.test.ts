/**
 * segloss' wasm conv-gradient kernels against a plain-loop reference written from the definition of
 * the convolution (no tfjs in the reference), for a table of shapes, strides and pads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerSeglossKernels } from './kernels/register.js';
import { conv2dBackpropFilterKernel, conv2dFilterGradient } from './kernels/conv2d-backprop-filter.js';
import { convGeometry } from './kernels/conv-geometry.js';
import { conv2dBackpropInputKernel, conv2dInputGradient } from './kernels/conv2d-backprop-input.js';
import { useSimdKernels } from './wasm/simd-instance.js';
import {
  assertClose,
  geometry,
  randomData,
  refFilterGrad,
  refInputGrad,
  type Case,
} from '../../test/helpers/conv-reference.js';

const CASES: Case[] = [
  // Several SIMD tiles (4 ci x 8 co for the filter, 4 cells x 8 ci for the input gradient), channel
  // counts that are not multiples of the tiles, a width not a multiple of 4, and more grid rows than
  // one block of the filter kernel.
  {
    name: '3x3 s1 same, 20->24 channels',
    n: 2,
    h: 12,
    w: 10,
    cin: 20,
    cout: 24,
    k: [3, 3],
    s: [1, 1],
    pad: 'same',
  },
  {
    name: '3x3 s1 valid, 9->17 channels, 11x13',
    n: 2,
    h: 11,
    w: 13,
    cin: 9,
    cout: 17,
    k: [3, 3],
    s: [1, 1],
    pad: 'valid',
  },
  {
    name: '1x1 s1, 16->4 channels (a head)',
    n: 3,
    h: 6,
    w: 6,
    cin: 16,
    cout: 4,
    k: [1, 1],
    s: [1, 1],
    pad: 'same',
  },
  { name: '3x3 s1 same, batch 2', n: 2, h: 8, w: 8, cin: 3, cout: 4, k: [3, 3], s: [1, 1], pad: 'same' },
  { name: '3x3 s1 valid, odd 7x9', n: 1, h: 7, w: 9, cin: 2, cout: 3, k: [3, 3], s: [1, 1], pad: 'valid' },
  { name: '5x5 s2 same, odd 9x11', n: 1, h: 9, w: 11, cin: 3, cout: 2, k: [5, 5], s: [2, 2], pad: 'same' },
  {
    name: '3x3 s2 valid, last row unused',
    n: 2,
    h: 8,
    w: 8,
    cin: 2,
    cout: 3,
    k: [3, 3],
    s: [2, 2],
    pad: 'valid',
  },
  { name: '1x1 s1 valid, Cin=1', n: 2, h: 5, w: 4, cin: 1, cout: 3, k: [1, 1], s: [1, 1], pad: 'valid' },
  {
    name: '1x1 s2 same (empty phases)',
    n: 1,
    h: 7,
    w: 7,
    cin: 2,
    cout: 2,
    k: [1, 1],
    s: [2, 2],
    pad: 'same',
  },
  { name: '4x4 s3 same, 10x8', n: 2, h: 10, w: 8, cin: 2, cout: 3, k: [4, 4], s: [3, 3], pad: 'same' },
  {
    name: '2x3 s(2,1) explicit pads, non-square',
    ...{ n: 2, h: 6, w: 9, cin: 3, cout: 2, k: [2, 3], s: [2, 1] },
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    name: '3x3 s1 explicit pads wider than the kernel',
    ...{ n: 1, h: 5, w: 6, cin: 2, cout: 2, k: [3, 3], s: [1, 1] },
    pad: [
      [0, 0],
      [3, 0],
      [4, 4],
      [0, 0],
    ],
  },
  {
    name: '3x3 s1 same, Cin=1, batch 3',
    n: 3,
    h: 16,
    w: 16,
    cin: 1,
    cout: 8,
    k: [3, 3],
    s: [1, 1],
    pad: 'same',
  },
  { name: '5x5 s3 valid, 14x13', n: 2, h: 14, w: 13, cin: 3, cout: 4, k: [5, 5], s: [3, 3], pad: 'valid' },
  { name: '3x3 s2 pad=1 (number)', n: 1, h: 9, w: 9, cin: 2, cout: 2, k: [3, 3], s: [2, 2], pad: 1 },
  {
    name: '2x2 s2 valid (transposed-conv layer)',
    n: 2,
    h: 8,
    w: 8,
    cin: 4,
    cout: 2,
    k: [2, 2],
    s: [2, 2],
    pad: 'valid',
  },
  {
    name: '5x5 s1 same on a 3x3 input',
    n: 1,
    h: 3,
    w: 3,
    cin: 2,
    cout: 2,
    k: [5, 5],
    s: [1, 1],
    pad: 'same',
  },
  {
    name: '3x1 s(1,3) same, 1-pixel-wide output',
    n: 2,
    h: 6,
    w: 3,
    cin: 2,
    cout: 3,
    k: [3, 1],
    s: [1, 3],
    pad: 'same',
  },
];

registerSeglossKernels();
await tf.setBackend('wasm');

test('our kernels are the ones registered on wasm, and registration is idempotent', () => {
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc, conv2dBackpropFilterKernel);
  assert.equal(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc, conv2dBackpropInputKernel);
  assert.deepEqual(registerSeglossKernels(), []);
});

// Each case runs twice: through segloss' SIMD kernels (wasm/simd-kernels.wat) and, with them switched
// off, through the tfjs-ops paths (XNNPACK matrix multiply and convolution).
for (const [index, c] of CASES.entries())
  for (const simd of [true, false]) {
    test(`conv2d gradients on wasm match the reference (SIMD ${simd ? 'on' : 'off'}): ${c.name}`, () => {
      const was = useSimdKernels(simd);
      const g = geometry(c);
      const xData = randomData(c.n * c.h * c.w * c.cin, 11 + index);
      const wData = randomData(c.k[0] * c.k[1] * c.cin * c.cout, 101 + index);
      const dyData = randomData(c.n * g.oh * g.ow * c.cout, 1001 + index);
      const x = tf.tensor4d(xData, [c.n, c.h, c.w, c.cin]);
      const w = tf.tensor4d(wData, [c.k[0], c.k[1], c.cin, c.cout]);
      const dy = tf.tensor4d(dyData, [c.n, g.oh, g.ow, c.cout]);
      const expectedDx = refInputGrad(g, dyData, wData);
      const expectedDw = refFilterGrad(g, xData, dyData);

      // Through autodiff: d/dx and d/dw of Σ conv2d(x, w) ⊙ dy are exactly the two backprop kernels.
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy));
      const [gx, gw] = tf.grads(loss)([x, w]);
      assert.deepEqual(gx.shape, [c.n, c.h, c.w, c.cin]);
      assert.deepEqual(gw.shape, [c.k[0], c.k[1], c.cin, c.cout]);
      assertClose(gx.dataSync(), expectedDx, 'grad dx');
      assertClose(gw.dataSync(), expectedDw, 'grad dw');

      // Direct kernel calls: conv2dTranspose runs Conv2DBackpropInput; the filter kernel has no public op.
      const dx = tf.conv2dTranspose(dy, w, [c.n, c.h, c.w, c.cin], c.s, c.pad);
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: c.s,
        pad: c.pad,
        dataFormat: 'NHWC',
        filterShape: [c.k[0], c.k[1], c.cin, c.cout],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      assertClose(dx.dataSync(), expectedDx, 'conv2dTranspose');
      assertClose(dw.dataSync(), expectedDw, 'Conv2DBackpropFilter');

      // The reduction split into many small chunks (7 grid rows) sums to the same gradient.
      const geo = convGeometry('test', x.shape, w.shape, { strides: c.s, pad: c.pad });
      const chunked = tf.tidy(() => conv2dFilterGradient(x, dy, geo, 7));
      assertClose(chunked.dataSync(), expectedDw, 'chunked filter gradient');
      tf.dispose([x, w, dy, gx, gw, dx, dw, chunked]);
      useSimdKernels(was);
    });
  }

test('depthwiseConv2d gradients on wasm match the reference (multiplier 2, stride 2, same)', () => {
  // Depthwise with multiplier m is the dense conv with a block-diagonal filter: reuse the dense reference.
  const [n, h, wd, cin, m] = [2, 7, 6, 3, 2];
  const c: Case = { name: 'dw', n, h, w: wd, cin, cout: cin * m, k: [3, 3], s: [2, 2], pad: 'same' };
  const g = geometry(c);
  const xData = randomData(n * h * wd * cin, 7);
  const wData = randomData(9 * cin * m, 8);
  const dyData = randomData(n * g.oh * g.ow * cin * m, 9);
  const dense = new Float32Array(9 * cin * cin * m);
  for (let t = 0; t < 9; t++)
    for (let ci = 0; ci < cin; ci++)
      for (let q = 0; q < m; q++)
        dense[(t * cin + ci) * cin * m + ci * m + q] = wData[(t * cin + ci) * m + q];
  const expectedDx = refInputGrad(g, dyData, dense);
  const denseDw = refFilterGrad(g, xData, dyData);
  const expectedDw = new Float64Array(9 * cin * m);
  for (let t = 0; t < 9; t++)
    for (let ci = 0; ci < cin; ci++)
      for (let q = 0; q < m; q++)
        expectedDw[(t * cin + ci) * m + q] = denseDw[(t * cin + ci) * cin * m + ci * m + q];

  const x = tf.tensor4d(xData, [n, h, wd, cin]);
  const w = tf.tensor4d(wData, [3, 3, cin, m]);
  const dy = tf.tensor4d(dyData, [n, g.oh, g.ow, cin * m]);
  const loss = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), dy));
  const [gx, gw] = tf.grads(loss)([x, w]);
  assertClose(gx.dataSync(), expectedDx, 'depthwise dx');
  assertClose(gw.dataSync(), expectedDw, 'depthwise dw');
  tf.dispose([x, w, dy, gx, gw]);
});

test('unsupported dilation and NCHW get clear errors, never numbers', () => {
  const x = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D;
  const w = tf.zeros([3, 3, 2, 2]) as tf.Tensor4D;
  const dy = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D;
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 2] };
  const run = (name: string, extra: object) => () =>
    tf.engine().runKernel(name, { x, dy }, { ...attrs, ...extra } as unknown as tf.NamedAttrMap);
  assert.throws(
    run('Conv2DBackpropFilter', { dilations: 2 }),
    /segloss: Conv2DBackpropFilter: dilations are \[2,2\]/,
  );
  assert.throws(
    run('Conv2DBackpropFilter', { dataFormat: 'NCHW' }),
    /segloss: Conv2DBackpropFilter: dataFormat is 'NCHW'/,
  );
  assert.throws(
    run('DepthwiseConv2dNativeBackpropFilter', { dilations: [1, 2], filterShape: [3, 3, 2, 1] }),
    /segloss: DepthwiseConv2dNativeBackpropFilter: dilations are \[1,2\]/,
  );
  // Through autodiff tfjs itself refuses dilated conv2d gradients before any kernel runs.
  const f = (a: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, w, 1, 'same', 'NHWC', 2));
  assert.throws(() => tf.grad(f)(x), /dilation rates greater than 1/);
  tf.dispose([x, w, dy]);
});

test('both gradients are also right on the cpu backend (the data movement falls back to tfjs ops)', async () => {
  const c = CASES.find((k) => k.name === '5x5 s2 same, odd 9x11') as Case;
  const g = geometry(c);
  const xData = randomData(c.n * c.h * c.w * c.cin, 21);
  const dyData = randomData(c.n * g.oh * g.ow * c.cout, 22);
  const wData = randomData(c.k[0] * c.k[1] * c.cin * c.cout, 23);
  await tf.setBackend('cpu');
  try {
    const x = tf.tensor4d(xData, [c.n, c.h, c.w, c.cin]);
    const dy = tf.tensor4d(dyData, [c.n, g.oh, g.ow, c.cout]);
    const geo = convGeometry('test', x.shape, [c.k[0], c.k[1], c.cin, c.cout], { strides: c.s, pad: c.pad });
    const dw = tf.tidy(() => conv2dFilterGradient(x, dy, geo, 5));
    assertClose(dw.dataSync(), refFilterGrad(g, xData, dyData), 'cpu filter gradient');
    const w = tf.tensor4d(wData, [c.k[0], c.k[1], c.cin, c.cout]);
    const dx = tf.tidy(() => conv2dInputGradient(dy, w, geo));
    assertClose(dx.dataSync(), refInputGrad(g, dyData, wData), 'cpu input gradient');
    tf.dispose([x, dy, dw, w, dx]);
  } finally {
    await tf.setBackend('wasm');
  }
});

test('repeated gradient calls do not leak tensors', () => {
  const x = tf.tensor4d(randomData(2 * 9 * 9 * 3, 5), [2, 9, 9, 3]);
  const w = tf.tensor4d(randomData(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]);
  const step = () => {
    for (const [strides, pad] of [
      [1, 'same'],
      [2, 'same'],
      [2, 'valid'],
    ] as const) {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad))),
      )([x, w]);
      tf.dispose(grads);
    }
  };
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) step();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, w]);
});

/**
 * heap-kernels.wat, bound to tfjs-backend-wasm's own memory: the one-pass value summary and the
 * column sums, called on tensors in place, against hand values and float64 loops.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { heapKernels } from './heap-instance.js';
import { useSimdKernels } from './simd-instance.js';
import { lcgValues } from '../../../test/helpers/arrays.js';

before(async () => {
  await tf.setBackend('wasm');
});

/** The heap byte offset of a float32 tensor on the wasm backend. */
function offsetOf(t: tf.Tensor): number {
  const b = tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
  return b.typedArrayFromHeap(t).byteOffset;
}

test('the heap kernels bind to the wasm backend only, and follow the SIMD switch', async () => {
  assert.ok(heapKernels(tf.backend()) !== null);
  assert.equal(heapKernels(tf.backend()), heapKernels(tf.backend()), 'one instance per memory');
  useSimdKernels(false);
  assert.equal(heapKernels(tf.backend()), null);
  useSimdKernels(true);
  await tf.setBackend('cpu');
  assert.equal(heapKernels(tf.backend()), null);
  await tf.setBackend('wasm');
});

test('summary: (Σ x·0, min, max) with a tail past the last multiple of 4, NaN and ±Inf', () => {
  const k = heapKernels(tf.backend());
  assert.ok(k !== null);
  const run = (values: number[]) => {
    const t = tf.tensor1d(values);
    const r = k.summary(offsetOf(t), values.length);
    t.dispose();
    return r;
  };
  assert.deepEqual(run([0.5, -2, 3, 0.25, 7, -9, 1]), [0, -9, 7]); // n = 7: the min and max in the tail
  assert.deepEqual(run([0.5]), [0, 0.5, 0.5]);
  const withNaN = run([1, 2, 3, 4, Number.NaN, 6]);
  assert.ok(Number.isNaN(withNaN[0]) && Number.isNaN(withNaN[1]) && Number.isNaN(withNaN[2]));
  const withInf = run([1, Infinity, 3, 4, 5]);
  assert.ok(Number.isNaN(withInf[0]), 'Inf · 0 is NaN');
  assert.equal(withInf[2], Infinity);
  assert.ok(Number.isNaN(run([1, 2, 3, 4, 5, -Infinity])[0]), '-Inf in the tail');
});

test('colSums over [rows, cols] matches a float64 loop (several 256-row blocks, odd column counts)', () => {
  const k = heapKernels(tf.backend());
  assert.ok(k !== null);
  for (const [rows, cols] of [
    [1, 1],
    [3, 4],
    [1000, 6],
    [257, 16],
    [70000, 3],
  ]) {
    const v = lcgValues(rows * cols, rows + cols);
    const x = tf.tensor2d(v, [rows, cols]);
    const out = tf.fill([cols], Number.NaN); // overwritten, not added to
    k.colSums(offsetOf(x), rows, cols, offsetOf(out));
    const expected = new Float64Array(cols);
    const scale = new Float64Array(cols);
    for (let i = 0; i < v.length; i++) {
      expected[i % cols] += v[i];
      scale[i % cols] += Math.abs(v[i]);
    }
    const got = out.dataSync();
    for (let j = 0; j < cols; j++) {
      assert.ok(
        Math.abs(got[j] - expected[j]) <= 1e-6 * scale[j] + 1e-6,
        `[${rows},${cols}] column ${j}: ${got[j]} vs ${expected[j]}`,
      );
    }
    tf.dispose([x, out]);
  }
});

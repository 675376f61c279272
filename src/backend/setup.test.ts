import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from './setup.js';

async function withEnv<T>(value: string | undefined, f: () => Promise<T>): Promise<T> {
  const saved = process.env.SEGLOSS_BACKEND;
  if (value === undefined) delete process.env.SEGLOSS_BACKEND;
  else process.env.SEGLOSS_BACKEND = value;
  try {
    return await f();
  } finally {
    if (saved === undefined) delete process.env.SEGLOSS_BACKEND;
    else process.env.SEGLOSS_BACKEND = saved;
  }
}

test("'auto' picks wasm here (tfjs-node is not installed) with our gradient kernels", async () => {
  const name = await withEnv(undefined, () => setupBackend('auto'));
  assert.equal(name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.notEqual(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
  // A conv gradient now works on wasm: d/dw Σ conv2d(x, w) for x = 1 (2x2, 'valid', 1x1 filter) is 4.
  const dw = tf.grad((w: tf.Tensor) =>
    tf.sum(tf.conv2d(tf.ones([1, 2, 2, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid')),
  )(tf.ones([1, 1, 1, 1]));
  assert.deepEqual(Array.from(dw.dataSync()), [4]);
});

test("explicit 'cpu' and 'wasm', and SEGLOSS_BACKEND overriding the argument", async () => {
  assert.equal(await withEnv(undefined, () => setupBackend('cpu')), 'cpu');
  assert.equal(await withEnv('cpu', () => setupBackend('wasm')), 'cpu');
  assert.equal(await withEnv(undefined, () => setupBackend('wasm')), 'wasm');
});

test("'node' without @tensorflow/tfjs-node and bad names give clear errors", async () => {
  await assert.rejects(
    withEnv(undefined, () => setupBackend('node')),
    /segloss: setupBackend: backend 'node' needs the package @tensorflow\/tfjs-node/,
  );
  await assert.rejects(
    withEnv('gpu', () => setupBackend()),
    /segloss: setupBackend: SEGLOSS_BACKEND='gpu' is not a backend; expected one of auto, wasm, cpu, node/,
  );
  await assert.rejects(
    withEnv(undefined, () => setupBackend('webgl' as 'cpu')),
    /segloss: setupBackend: name 'webgl' is not a backend/,
  );
  assert.equal(await withEnv(undefined, () => setupBackend('wasm')), 'wasm');
});

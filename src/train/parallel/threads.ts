/**
 * The thread side of the data-parallel executor (worker-executor.ts): the model's weights laid out in
 * shared memory, spawning step-worker threads (also under tsx), and waiting for a message from every
 * worker with the first failure as the answer.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import type { BackendName } from '../../backend/setup.js';
import type { FromWorker, WeightSlot, WorkerInit } from './protocol.js';

const WHERE = 'train';

/** The weights of `model` laid out in the shared buffers (trainable and non-trainable rows apart). */
export function weightSlots(model: tf.LayersModel): {
  slots: WeightSlot[];
  total: number;
  t: number;
  s: number;
} {
  const trainable = new Set(model.trainableWeights.map((w) => w.originalName));
  let total = 0;
  let t = 0;
  let s = 0;
  const slots = model.weights.map((w) => {
    const size = w.shape.reduce((a: number, d) => a * (d ?? 1), 1);
    const isTrainable = trainable.has(w.originalName);
    const slot: WeightSlot = {
      name: w.originalName,
      shape: w.shape as number[],
      size,
      offset: total,
      trainable: isTrainable,
      rowOffset: isTrainable ? t : s,
    };
    total += size;
    if (isTrainable) t += size;
    else s += size;
    return slot;
  });
  return { slots, total, t, s };
}

/** The backend name that `setupBackend` takes for the active tfjs backend. */
export function backendChoice(): BackendName {
  const active = tf.getBackend();
  if (active === 'tensorflow') return 'node';
  if (active === 'wasm' || active === 'cpu') return active;
  return fail(WHERE, `--workers needs the wasm, cpu or node backend; the active one is '${active}'`);
}

/**
 * A thread running step-worker beside this file: the built `.js`, or, when this file runs as `.ts`
 * under tsx (tests, benchmarks), the `.ts` source through tsx's loader, which Node 20 does not carry
 * into worker threads by itself.
 */
export function spawnWorker(init: WorkerInit): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const url = new URL(`./step-worker${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(url, { workerData: init });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

/** Waits for one message type from every worker, or rejects with the first worker failure. */
export class Replies {
  private waiting: { type: string; step: number; left: Set<number> } | null = null;
  private settle: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  expect(type: 'ready' | 'pred' | 'done', step: number, workers: number): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.waiting = { type, step, left: new Set(Array.from({ length: workers }, (_, k) => k)) };
    return new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  receive(k: number, m: FromWorker): void {
    if (m.type === 'error') return this.fail(new Error(`worker ${k} failed at step ${m.step}: ${m.message}`));
    const w = this.waiting;
    if (w === null || w.type !== m.type || ('step' in m && m.step !== w.step)) return;
    w.left.delete(k);
    if (w.left.size === 0) {
      this.waiting = null;
      this.settle?.resolve();
    }
  }

  fail(e: Error): void {
    if (this.failure !== null) return;
    this.failure = e;
    this.settle?.reject(e);
  }
}

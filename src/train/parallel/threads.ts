/**
 * The thread side of the data-parallel executor (worker-executor.ts): the model's weights laid out in
 * shared memory, the backend the workers take, and waiting for a message from every worker with the
 * first failure as the answer. Browser-safe (no Node modules); spawning is per platform
 * (spawn-thread.ts in Node, web/spawn-step-worker.ts in the lab).
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import type { BackendName } from '../../backend/setup.js';
import type { FromWorker, WeightSlot } from './protocol.js';

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

/**
 * The data-parallel step executor: `workers` threads (step-worker.ts), each with its own tfjs backend,
 * segloss' kernels and a replica of the model, compute the forward and backward pass of their shard of
 * the batch; the coordinator (the caller's thread, which owns the model, Adam and the checkpoints)
 * computes the loss once on the whole batch and applies one Adam update.
 *
 * Why the result equals the single-worker gradient: with `pred = [pred_1; …; pred_K]` the model's
 * outputs on the K shards, the chain rule gives `∂L/∂θ = Σ_k (∂pred_k/∂θ)ᵀ · ∂L/∂pred_k`. Worker k
 * computes `(∂pred_k/∂θ)ᵀ dy_k` by back-propagating `Σ pred_k · dy_k` with `dy_k = ∂L/∂pred_k` taken from
 * the coordinator's `tf.grad` of the loss over the whole batch; the coordinator adds the K results. No
 * per-loss weighting is needed (the loss' denominator — valid pixels, images, summed class weights, or
 * Dice's pooled statistics with `batch: true` — is the whole batch's by construction), so every
 * registered loss is exact, up to the order of float additions.
 *
 * Batch norm: statistics per shard (as PyTorch DDP without SyncBatchNorm). Synchronised statistics
 * would need two barriers per batch-norm layer and step (forward moments, backward sums); per-shard
 * statistics over B/K images of H·W pixels each are what DDP trains with by default. The moving
 * averages of the workers are averaged, weighted by shard size, into the coordinator's model after
 * every step (exact for the moving mean, since the update is linear; the moving variance is the mean of
 * the shard variances). With batch norm the result therefore depends on the number of workers.
 *
 * Memory: every tensor crosses threads through `SharedArrayBuffer`s (protocol.ts); messages carry a
 * step number and a shard only.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import type { BackendName } from '../../backend/setup.js';
import { simdKernelsEnabled } from '../../backend/wasm/simd-instance.js';
import type { Adam } from '../adam.js';
import { batchTargets } from '../batch-loss.js';
import type { RunConfig } from '../config.js';
import type { TrainBatch } from '../../data/batch.js';
import type { StepExecutor, StepTimings } from '../step-executor.js';
import {
  ABORT,
  type FromWorker,
  type InjectedFault,
  type SharedBuffers,
  type ToWorker,
  type WeightSlot,
  type WorkerInit,
} from './protocol.js';

const WHERE = 'train';

/** Options of {@link startWorkerExecutor}. */
export interface WorkerExecutorOptions {
  /** The coordinator's model: its weights are sent to the workers and updated by `adam`. */
  readonly model: tf.LayersModel;
  readonly adam: Adam;
  readonly config: RunConfig;
  /** Worker threads, 2 … `config.batchSize`. */
  readonly workers: number;
  /** Tests only: make one worker throw or exit at one step. */
  readonly fault?: InjectedFault;
}

/**
 * Images `start … start + count − 1` of each worker: contiguous shards whose sizes differ by at most 1,
 * the larger ones first.
 *
 * @example `shardBatch(5, 2)` is `[{ start: 0, count: 3 }, { start: 3, count: 2 }]`.
 */
export function shardBatch(batchSize: number, workers: number): { start: number; count: number }[] {
  const base = Math.floor(batchSize / workers);
  const extra = batchSize % workers;
  const out: { start: number; count: number }[] = [];
  for (let k = 0, start = 0; k < workers; k++) {
    const count = base + (k < extra ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
}

/** The weights of `model` laid out in the shared buffers (trainable and non-trainable rows apart). */
function weightSlots(model: tf.LayersModel): { slots: WeightSlot[]; total: number; t: number; s: number } {
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
function backendChoice(): BackendName {
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
function spawnWorker(init: WorkerInit): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const url = new URL(`./step-worker${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(url, { workerData: init });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

/** Waits for one message type from every worker, or rejects with the first worker failure. */
class Replies {
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

/**
 * Starts `options.workers` worker threads and returns the {@link StepExecutor} that runs each step on
 * them (see the file header). Resolves once every worker has its backend and model; rejects with a
 * `SeglossError` when one fails to start. A worker that throws or exits during a step rejects that step
 * with an error naming the worker and the step; the executor is then closed.
 *
 * @example
 * ```ts
 * const executor = await startWorkerExecutor({ model, adam, config, workers: 2 });
 * const loss = await executor.step(makeBatch(source, cursor.next()), 1e-3);
 * await executor.close();
 * ```
 */
export async function startWorkerExecutor(options: WorkerExecutorOptions): Promise<StepExecutor> {
  const { model, adam, config, workers } = options;
  if (!Number.isInteger(workers) || workers < 2 || workers > config.batchSize) {
    fail(WHERE, `workers is ${workers}; expected an integer in [2, batch size ${config.batchSize}]`);
  }
  const [h, w, ch] = config.model.inputShape;
  const c = config.model.numClasses;
  const b = config.batchSize;
  const layout = weightSlots(model);
  const variables = new Map(model.weights.map((v) => [v.originalName, v]));
  const variableOf = (s: WeightSlot) => variables.get(s.name) as tf.LayerVariable;
  const sab = (floats: number) => new SharedArrayBuffer(4 * Math.max(1, floats));
  const buffers: SharedBuffers = {
    weights: sab(layout.total),
    x: sab(b * h * w * ch),
    pred: sab(b * h * w * c),
    dy: sab(b * h * w * c),
    grads: sab(workers * layout.t),
    stats: sab(workers * layout.s),
    flags: new SharedArrayBuffer(4 * workers),
  };
  const weights = new Float32Array(buffers.weights);
  const xs = new Float32Array(buffers.x);
  const pred = new Float32Array(buffers.pred);
  const dys = new Float32Array(buffers.dy);
  const grads = new Float32Array(buffers.grads);
  const stats = new Float32Array(buffers.stats);
  const flags = new Int32Array(buffers.flags);
  const replies = new Replies();
  /** One summing buffer per weight, reused every step. */
  const sums = new Map(layout.slots.map((s) => [s.name, new Float32Array(s.size)]));
  let closed = false;
  const threads = Array.from({ length: workers }, (_, index) => {
    const init: WorkerInit = {
      index,
      config,
      backend: backendChoice(),
      simd: simdKernelsEnabled(),
      slots: layout.slots,
      trainableSize: layout.t,
      statsSize: layout.s,
      buffers,
      fault: options.fault,
    };
    const worker = spawnWorker(init);
    worker.unref(); // a run that fails elsewhere must not be kept alive by idle workers
    worker.on('message', (m: FromWorker) => replies.receive(index, m));
    worker.on('error', (e) => replies.fail(new Error(`worker ${index} failed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (!closed) replies.fail(new Error(`worker ${index} exited (code ${code}) during the run`));
    });
    return worker;
  });
  const post = (k: number, m: ToWorker) => threads[k].postMessage(m);
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    flags.fill(ABORT);
    for (let k = 0; k < workers; k++) Atomics.notify(flags, k);
    await Promise.all(threads.map((t) => t.terminate()));
  };
  /** Runs `f`; on failure closes the workers and rethrows as a one-line SeglossError. */
  const guarded = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      await close();
      return fail(WHERE, `${what}: ${(e as Error).message}; the run stops (the last checkpoint is intact)`);
    }
  };
  await guarded('starting the workers', () => replies.expect('ready', 0, workers));

  let stepNo = 0;
  const timings: StepTimings = { steps: 0, send: 0, forward: 0, loss: 0, backward: 0, update: 0 };
  let mark = 0;
  const lap = (phase: Exclude<keyof StepTimings, 'steps'>): void => {
    const now = performance.now();
    timings[phase] += now - mark;
    mark = now;
  };
  const step = async (batch: TrainBatch, learningRate: number): Promise<number> => {
    if (closed) fail(WHERE, 'the worker executor is closed');
    const n = batch.x.shape[0];
    if (n !== b) fail(WHERE, `batch has ${n} images; the workers were sized for ${b}`);
    stepNo += 1;
    const id = stepNo;
    mark = performance.now();
    // 1. Weights and images to shared memory; each worker runs the forward pass of its shard, while
    // this thread makes the batch's target tensors.
    for (const s of layout.slots) weights.set(variableOf(s).read().dataSync() as Float32Array, s.offset);
    xs.set(batch.x.data);
    const shards = shardBatch(b, workers);
    const preds = replies.expect('pred', id, workers);
    shards.forEach((s, k) => post(k, { type: 'step', step: id, ...s }));
    const t = batchTargets(config, batch);
    lap('send');
    try {
      await guarded(`step ${id}`, () => preds);
    } catch (e) {
      tf.dispose([...t.tensors]);
      throw e;
    }
    lap('forward');
    // 2. The loss on the whole batch and its gradient with respect to the outputs.
    const p = tf.tensor(pred.subarray(0, n * h * w * c), [n, h, w, c]);
    const { value, grad } = tf.valueAndGrad((q: tf.Tensor) => t.loss.tensor(t.y, q, t.options) as tf.Scalar)(
      p,
    );
    const loss = value.dataSync()[0];
    dys.set(grad.dataSync() as Float32Array);
    tf.dispose([p, value, grad, ...t.tensors]);
    if (!Number.isFinite(loss)) {
      await close();
      fail(WHERE, `loss is ${loss} at step ${adam.iteration + 1}; lower --lr or check the data`);
    }
    lap('loss');
    // 3. Backward passes; then the shard gradients summed (worker 0 first), one Adam update of the
    // weights in shared memory, and the model's variables written from there.
    const dones = replies.expect('done', id, workers);
    for (let k = 0; k < workers; k++) {
      Atomics.store(flags, k, id);
      Atomics.notify(flags, k);
    }
    await guarded(`step ${id}`, () => dones);
    lap('backward');
    const updates = new Map<string, { weights: Float32Array; grad: Float32Array; shape: number[] }>();
    for (const s of layout.slots) {
      const sum = sums.get(s.name) as Float32Array;
      sum.fill(0);
      for (let k = 0; k < workers; k++) {
        const from = k * (s.trainable ? layout.t : layout.s) + s.rowOffset;
        const row = (s.trainable ? grads : stats).subarray(from, from + s.size);
        // Gradients add up; moving statistics average, weighted by shard size.
        const weight = s.trainable ? 1 : shards[k].count / b;
        for (let i = 0; i < s.size; i++) sum[i] += weight * row[i];
      }
      if (s.trainable) {
        const own = weights.subarray(s.offset, s.offset + s.size);
        updates.set(s.name, { weights: own, grad: sum, shape: [...s.shape] });
      } else {
        // tf.tensor may keep the array it is given (the cpu backend does): hand it a copy.
        tf.tidy(() => {
          variableOf(s).write(tf.tensor(sum.slice(), [...s.shape]));
        });
      }
    }
    adam.applyArrays(updates, learningRate);
    for (const s of layout.slots) {
      if (!s.trainable) continue;
      const v = variableOf(s).read() as tf.Variable;
      tf.tidy(() => v.assign(tf.tensor(weights.slice(s.offset, s.offset + s.size), [...s.shape])));
    }
    lap('update');
    timings.steps += 1;
    return loss;
  };
  return { step, close, timings };
}

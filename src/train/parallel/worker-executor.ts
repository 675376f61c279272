/**
 * The data-parallel step executor: `workers` threads (step-worker.ts), each with its own tfjs backend,
 * segloss' kernels and a replica of the model, compute the forward and backward pass of their shard of
 * the batch; the coordinator (the caller's thread, which owns the model, Adam and the checkpoints)
 * combines their gradients and applies one Adam update. Two paths (protocol.ts), chosen once per run:
 *
 * 1. In-worker loss, for the per-pixel losses (those with `meanParts`): the mean over the batch
 *    is `L = (Σ_i v_i d_i ℓ_i) / (Σ_i v_i d_i)` (valid pixels `v`, weights `d`: 1, or summed class
 *    weights, or kept channels over C), and its denominator does not depend on the prediction. So with
 *    `S_k` the loss of shard k under `reduction: 'sum'` and `D_k` its denominator,
 *    `L = Σ_k S_k / D` and `∂L/∂θ = (Σ_k ∂S_k/∂θ) / D` with `D = Σ_k D_k` (`D = 1` for `'sum'`; a zero
 *    `D` gives `L = 0` and a zero gradient, as the single-thread mean does). One round trip per step.
 * 2. Loss on the coordinator, for the region losses (Dice's pooled statistics with `batch: true` do
 *    not split into shard sums): with `pred = [pred_1; …; pred_K]`, the chain rule gives
 *    `∂L/∂θ = Σ_k (∂pred_k/∂θ)ᵀ · ∂L/∂pred_k`; worker k back-propagates `Σ pred_k · dy_k` with
 *    `dy_k = ∂L/∂pred_k` from the coordinator's `tf.grad` of the loss over the whole batch, and the
 *    coordinator adds the K results. Two round trips, and the loss runs on one thread.
 *
 * Both are exact, up to the order of float additions.
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
import * as tf from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import { simdKernelsEnabled } from '../../backend/wasm/simd-instance.js';
import { batchTargets } from '../batch-loss.js';
import type { TrainBatch } from '../../data/batch.js';
import type { ExecutorParts, StepExecutor, StepTimings } from '../step-executor.js';
import {
  ABORT,
  type FromWorker,
  type InjectedFault,
  type SharedBuffers,
  type SpawnStepWorker,
  type ToWorker,
  type WeightSlot,
  type WorkerInit,
} from './protocol.js';
import { backendChoice, Replies, weightSlots } from './threads.js';
import { shardBatch, usesInWorkerLoss } from './step-plan.js';

/** The step plan of step-plan.ts, re-exported beside the executor that follows it. */
export { shardBatch, usesInWorkerLoss };

/**
 * Options of {@link startWorkerExecutor}: the run's parts (the coordinator's model, whose weights are
 * sent to the workers and updated by `adam`; the config; `where`, the name errors start with, which
 * the lab sets to `'LabTrainer'`) and the workers.
 */
export interface WorkerExecutorOptions extends ExecutorParts {
  /** Worker threads, 2 … `config.batchSize`. */
  readonly workers: number;
  /**
   * Starts one worker: `spawnStepThread` (spawn-thread.ts, what `segloss train` passes) for Node
   * threads, a module Web Worker in the browser lab. This file imports no Node module.
   */
  readonly spawn: SpawnStepWorker;
  /** Tests only: make one worker throw or exit at one step. */
  readonly fault?: InjectedFault;
}

/**
 * Starts `options.workers` workers (through `options.spawn`) and returns the {@link StepExecutor}
 * that runs each step on them (see the file header). Resolves once every worker has its backend and model; rejects with a
 * `SeglossError` when one fails to start. A worker that throws or exits during a step rejects that step
 * with an error naming the worker and the step; the executor is then closed.
 *
 * @example
 * ```ts
 * const executor = await startWorkerExecutor({ model, adam, config, workers: 2, spawn: spawnStepThread });
 * const loss = await executor.step(makeBatch(source, cursor.next()), 1e-3);
 * await executor.close();
 * ```
 */
export async function startWorkerExecutor(options: WorkerExecutorOptions): Promise<StepExecutor> {
  const { model, adam, config, workers } = options;
  const where = options.where ?? 'train';
  if (!Number.isInteger(workers) || workers < 2 || workers > config.batchSize) {
    fail(where, `workers is ${workers}; expected an integer in [2, batch size ${config.batchSize}]`);
  }
  const [h, w, ch] = config.model.inputShape;
  const c = config.model.numClasses;
  const b = config.batchSize;
  const layout = weightSlots(model);
  const inWorkerLoss = usesInWorkerLoss(config);
  const reduction = config.loss.options.reduction ?? 'mean';
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
    y: sab(inWorkerLoss ? b * h * w * c : 0),
    annotated: sab(inWorkerLoss ? b * c : 0),
    ignore: sab(inWorkerLoss ? b * h * w : 0),
    parts: new SharedArrayBuffer(8 * 2 * workers),
  };
  const weights = new Float32Array(buffers.weights);
  const xs = new Float32Array(buffers.x);
  const pred = new Float32Array(buffers.pred);
  const dys = new Float32Array(buffers.dy);
  const grads = new Float32Array(buffers.grads);
  const stats = new Float32Array(buffers.stats);
  const flags = new Int32Array(buffers.flags);
  const ys = new Float32Array(buffers.y);
  const annotated = new Float32Array(buffers.annotated);
  const ignores = new Float32Array(buffers.ignore);
  const parts = new Float64Array(buffers.parts);
  const replies = new Replies();
  /** One summing buffer per weight, reused every step. */
  const sums = new Map(layout.slots.map((s) => [s.name, new Float32Array(s.size)]));
  /** Each variable's `dataId` when this executor last wrote it (and shared memory matched it). */
  const written = new Map<string, object>();
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
    return options.spawn(init, {
      message: (m: FromWorker) => replies.receive(index, m),
      error: (e) => replies.fail(new Error(`worker ${index} failed: ${e.message}`)),
      exit: (code) => {
        if (!closed) replies.fail(new Error(`worker ${index} exited (code ${code}) during the run`));
      },
    });
  });
  const post = (k: number, m: ToWorker) => threads[k].post(m);
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
      return fail(
        where,
        `${what}: ${(e as Error).message}; the run stops and the model keeps its last weights`,
      );
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
  const checkFinite = async (loss: number): Promise<void> => {
    if (Number.isFinite(loss)) return;
    await close();
    fail(
      where,
      `loss is ${loss} at step ${adam.iteration + 1}; lower the learning rate (--lr) or check the data`,
    );
  };
  /**
   * Path 2 of the file header: while the workers run the forward pass, the batch targets; then the
   * loss of the whole batch and `dy = ∂L/∂pred` to shared memory; then the workers' backward passes.
   */
  const coordinatorLoss = async (batch: TrainBatch, id: number, preds: Promise<void>): Promise<number> => {
    const n = batch.x.shape[0];
    const t = batchTargets(config, batch);
    lap('send');
    try {
      await guarded(`step ${id}`, () => preds);
    } catch (e) {
      tf.dispose([...t.tensors]);
      throw e;
    }
    lap('forward');
    const p = tf.tensor(pred.subarray(0, n * h * w * c), [n, h, w, c]);
    const { value, grad } = tf.valueAndGrad((q: tf.Tensor) => t.loss.tensor(t.y, q, t.options) as tf.Scalar)(
      p,
    );
    const loss = value.dataSync()[0];
    dys.set(grad.dataSync() as Float32Array);
    tf.dispose([p, value, grad, ...t.tensors]);
    await checkFinite(loss);
    lap('loss');
    const dones = replies.expect('done', id, workers);
    for (let k = 0; k < workers; k++) {
      Atomics.store(flags, k, id);
      Atomics.notify(flags, k);
    }
    await guarded(`step ${id}`, () => dones);
    lap('backward');
    return loss;
  };
  const step = async (batch: TrainBatch, learningRate: number): Promise<number> => {
    if (closed) fail(where, 'the worker executor is closed');
    const n = batch.x.shape[0];
    if (n !== b) fail(where, `batch has ${n} images; the workers were sized for ${b}`);
    stepNo += 1;
    const id = stepNo;
    mark = performance.now();
    // 1. Weights, images (and, for the in-worker loss, targets) to shared memory; each worker runs
    // its shard. On the coordinator path this thread makes the batch's target tensors meanwhile.
    // Skipped when no variable changed since this executor wrote them (a variable's dataId changes
    // with every write or assign): then shared memory already holds them.
    if (!layout.slots.every((s) => written.get(s.name) === variableOf(s).read().dataId)) {
      for (const s of layout.slots) weights.set(variableOf(s).read().dataSync() as Float32Array, s.offset);
    }
    xs.set(batch.x.data);
    if (inWorkerLoss) {
      ys.set(batch.y.data);
      annotated.set(batch.annotated.data);
      if (batch.ignore !== null) ignores.set(batch.ignore.data);
    }
    const shards = shardBatch(b, workers);
    const first = replies.expect(inWorkerLoss ? 'done' : 'pred', id, workers);
    const message = { type: 'step', step: id, inWorkerLoss, ignore: batch.ignore !== null } as const;
    shards.forEach((s, k) => post(k, { ...message, ...s }));
    let loss: number;
    let gradScale = 1;
    if (inWorkerLoss) {
      lap('send');
      await guarded(`step ${id}`, () => first);
      let sum = 0;
      let denominator = 0;
      for (let k = 0; k < workers; k++) {
        sum += parts[2 * k];
        denominator += parts[2 * k + 1];
      }
      if (reduction === 'sum') denominator = 1;
      gradScale = denominator > 0 ? 1 / denominator : 0;
      loss = sum * gradScale;
      await checkFinite(loss);
      lap('backward');
    } else {
      loss = await coordinatorLoss(batch, id, first);
    }
    const updates = new Map<string, { weights: Float32Array; grad: Float32Array; shape: number[] }>();
    for (const s of layout.slots) {
      const sum = sums.get(s.name) as Float32Array;
      sum.fill(0);
      for (let k = 0; k < workers; k++) {
        const from = k * (s.trainable ? layout.t : layout.s) + s.rowOffset;
        const row = (s.trainable ? grads : stats).subarray(from, from + s.size);
        // Gradients add up; moving statistics average, weighted by shard size.
        const weight = s.trainable ? gradScale : shards[k].count / b;
        for (let i = 0; i < s.size; i++) sum[i] += weight * row[i];
      }
      if (s.trainable) {
        const own = weights.subarray(s.offset, s.offset + s.size);
        updates.set(s.name, { weights: own, grad: sum, shape: [...s.shape] });
      } else {
        // tf.tensor may keep the array it is given (the cpu backend does): hand it a copy.
        weights.set(sum, s.offset);
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
    for (const s of layout.slots) written.set(s.name, variableOf(s).read().dataId);
    lap('update');
    timings.steps += 1;
    return loss;
  };
  return { step, close, timings };
}

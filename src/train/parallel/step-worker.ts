/**
 * One worker of the data-parallel step (worker-executor.ts), the same body on both platforms (a Node
 * thread, step-thread.ts; a Web Worker, web/step-worker.ts; no Node module here): its own tfjs backend
 * with segloss' kernels and its own replica of the run's model. Per step it reads the weights and its
 * shard of the batch from shared memory and then, on one of the two paths of protocol.ts:
 * - in-worker loss: computes `S_k = loss(y_k, model(x_k))` with `reduction: 'sum'`, its gradient
 *   `∂S_k/∂θ` and the shard's mean denominator `D_k` (one pass: the loss' `meanParts`), and writes all
 *   three (one round trip);
 * - loss on the coordinator: runs the forward pass, publishes its outputs `pred_k`, blocks until the
 *   coordinator has written `dy_k = ∂L/∂pred_k` (the loss computed once, on the whole batch), and
 *   back-propagates `Σ pred_k · dy_k`, whose gradient with respect to the weights is the shard's share
 *   of `∂L/∂θ` (chain rule: `∂L/∂θ = Σ_k (∂pred_k/∂θ)ᵀ dy_k`).
 */
import * as tf from '@tensorflow/tfjs';
import { useSimdKernels } from '../../backend/wasm/simd-instance.js';
import { modelOf } from '../run-model.js';
import { batchTargets } from '../batch-loss.js';
import {
  ABORT,
  type FromWorker,
  type StepWorkerPort,
  type ToWorker,
  type WeightSlot,
  type WorkerInit,
} from './protocol.js';

// One step worker per thread or Web Worker (each evaluates this module once): its state lives in the
// module, set once by runStepWorker.
let init: WorkerInit;
let port: StepWorkerPort;
let model: tf.LayersModel;
let h: number;
let w: number;
let ch: number;
let classes: number;
let weights: Float32Array;
let xs: Float32Array;
let pred: Float32Array;
let dys: Float32Array;
let grads: Float32Array;
let stats: Float32Array;
let flags: Int32Array;
let ys: Float32Array;
let annotated: Float32Array;
let ignores: Float32Array;
let parts: Float64Array;
let slots: (WeightSlot & { variable: tf.LayerVariable })[];
let trainable: typeof slots;
const send = (m: FromWorker) => port.post(m);

/**
 * The body of one step worker, on either platform: builds the replica of `workerInit.config`'s model
 * and views of the shared buffers, answers `{ type: 'ready' }`, then runs every `step` message that
 * `workerPort` delivers (see the file header) until `close`. A step that throws is answered with
 * `{ type: 'error', step, message }`. Call once per worker, after `setupBackend` (its backend is
 * `workerInit.backend`).
 *
 * @example
 * ```ts
 * await setupBackend(init.backend);
 * runStepWorker(init, { post: (m) => parentPort.postMessage(m), listen: (f) => parentPort.on('message', f),
 *   close: () => parentPort.close(), exit: (code) => process.exit(code) });
 * ```
 */
export function runStepWorker(workerInit: WorkerInit, workerPort: StepWorkerPort): void {
  if (port !== undefined) throw new Error('segloss: runStepWorker: this worker already runs a step worker');
  init = workerInit;
  port = workerPort;
  useSimdKernels(init.simd);
  model = modelOf(init.config);
  [h, w, ch] = init.config.model.inputShape;
  classes = init.config.model.numClasses;
  const f32 = (b: SharedArrayBuffer) => new Float32Array(b);
  weights = f32(init.buffers.weights);
  xs = f32(init.buffers.x);
  pred = f32(init.buffers.pred);
  dys = f32(init.buffers.dy);
  grads = f32(init.buffers.grads).subarray(init.index * init.trainableSize);
  stats = f32(init.buffers.stats).subarray(init.index * init.statsSize);
  flags = new Int32Array(init.buffers.flags);
  ys = f32(init.buffers.y);
  annotated = f32(init.buffers.annotated);
  ignores = f32(init.buffers.ignore);
  parts = new Float64Array(init.buffers.parts);
  const byName = new Map(model.weights.map((v) => [v.originalName, v]));
  slots = init.slots.map((s) => {
    const v = byName.get(s.name);
    if (v === undefined) throw new Error(`segloss: step-worker: the replica has no weight '${s.name}'`);
    return { ...s, variable: v };
  });
  trainable = slots.filter((s) => s.trainable);
  port.listen(onMessage);
  send({ type: 'ready' });
}

/** Blocks until the coordinator has written `dy` for `step`; false when it aborted the step. */
function waitForDy(step: number): boolean {
  for (;;) {
    const v = Atomics.load(flags, init.index);
    if (v === step) return true;
    if (v === ABORT) return false;
    Atomics.wait(flags, init.index, v);
  }
}

/** Reads the weights from shared memory into the replica. */
function readWeights(): void {
  tf.tidy(() => {
    for (const s of slots)
      s.variable.write(tf.tensor(weights.subarray(s.offset, s.offset + s.size), [...s.shape]));
  });
}

/** Writes the shard's gradients and batch-norm moving statistics to this worker's rows. */
function writeResults(g: tf.NamedTensorMap): void {
  for (const s of trainable) grads.set(g[(s.variable.read() as tf.Variable).name].dataSync(), s.rowOffset);
  for (const s of slots) if (!s.trainable) stats.set(s.variable.read().dataSync(), s.rowOffset);
}

/**
 * The in-worker loss path: `S_k` (the loss with `reduction: 'sum'`), its gradient and `D_k`, from one
 * pass of the loss' `meanParts` on the shard's targets in shared memory (made through the same
 * {@link batchTargets} as one thread).
 */
function lossStep(start: number, count: number, hasIgnore: boolean): void {
  const px = h * w;
  const shard = {
    y: {
      data: ys.subarray(start * px * classes, (start + count) * px * classes),
      shape: [count, h, w, classes],
    },
    annotated: {
      data: annotated.subarray(start * classes, (start + count) * classes),
      shape: [count, classes],
    },
    ignore: hasIgnore
      ? { data: ignores.subarray(start * px, (start + count) * px), shape: [count, h, w] }
      : null,
  };
  const t = batchTargets(init.config, shard);
  const x = tf.tensor4d(xs.subarray(start * px * ch, (start + count) * px * ch), [count, h, w, ch]);
  const meanParts = t.loss.meanParts as NonNullable<typeof t.loss.meanParts>;
  let denominator: tf.Scalar | undefined;
  const { value, grads: g } = tf.variableGrads(
    () => {
      const mean = meanParts(t.y, model.apply(x, { training: true }) as tf.Tensor, t.options);
      denominator = tf.keep(mean.denominator);
      return mean.sum;
    },
    trainable.map((s) => s.variable.read() as tf.Variable),
  );
  writeResults(g);
  parts[2 * init.index] = value.dataSync()[0];
  parts[2 * init.index + 1] = (denominator as tf.Scalar).dataSync()[0];
  tf.dispose([value, x, denominator as tf.Scalar, ...Object.values(g), ...t.tensors]);
}

/** The path with the loss on the coordinator: publish `pred_k`, wait for `dy_k`, back-propagate. */
function predStep(step: number, start: number, count: number): boolean {
  const px = h * w;
  const x = tf.tensor4d(xs.subarray(start * px * ch, (start + count) * px * ch), [count, h, w, ch]);
  const rows = [start * px * classes, (start + count) * px * classes] as const;
  let aborted = false;
  const { value, grads: g } = tf.variableGrads(
    () => {
      const p = model.apply(x, { training: true }) as tf.Tensor;
      pred.set(p.dataSync() as Float32Array, rows[0]);
      send({ type: 'pred', step });
      aborted = !waitForDy(step);
      const dy = tf.tensor(aborted ? new Float32Array(p.size) : dys.subarray(rows[0], rows[1]), p.shape);
      return tf.sum(tf.mul(p, dy)) as tf.Scalar;
    },
    trainable.map((s) => s.variable.read() as tf.Variable),
  );
  if (!aborted) writeResults(g);
  tf.dispose([value, x, ...Object.values(g)]);
  return !aborted;
}

function runStep(m: Extract<ToWorker, { type: 'step' }>): void {
  const fault = init.fault;
  if (fault !== undefined && fault.worker === init.index && fault.step === m.step) {
    if (fault.kind === 'exit') return port.exit(3);
    throw new Error(`injected fault at step ${m.step}`);
  }
  readWeights();
  if (m.inWorkerLoss) lossStep(m.start, m.count, m.ignore);
  else if (!predStep(m.step, m.start, m.count)) return;
  send({ type: 'done', step: m.step });
}

function onMessage(m: ToWorker): void {
  if (m.type === 'close') {
    model.dispose();
    port.close();
    return;
  }
  try {
    runStep(m);
  } catch (e) {
    send({ type: 'error', step: m.step, message: (e as Error).message });
  }
}

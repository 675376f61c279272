/**
 * The `--workers` part of bench/train-step.ts: segloss' own training step (the one `segloss train`
 * runs: registry loss, segloss' Adam) through its step executors, one thread (`inProcessExecutor`) or
 * N worker threads (`startWorkerExecutor`), on the same U-Net and a random batch; and the same-run
 * ceiling of N threads (`copiesRunner`).
 */
import { Adam } from '../src/train/adam.js';
import { LEGACY_RECIPE, type RunConfig } from '../src/train/config.js';
import { inProcessExecutor } from '../src/train/loop.js';
import { modelOf } from '../src/train/model-io.js';
import { startWorkerExecutor } from '../src/train/parallel/worker-executor.js';
import { moduleThread, spawnStepThread } from '../src/train/parallel/spawn-thread.js';
import type { TrainBatch } from '../src/data/batch.js';
import type { StepExecutor } from '../src/train/step-executor.js';
import type { Worker } from 'node:worker_threads';

/** The run config of the benchmark's U-Net (16-32-64, 4 classes, cross-entropy, Adam 1e-3). */
export function benchConfig(size: number, batch: number, batchNorm: boolean): RunConfig {
  return {
    format: 'segloss-run',
    version: 2,
    model: {
      inputShape: [size, size, 1],
      numClasses: 4,
      depth: 3,
      baseFilters: 16,
      batchNorm,
      dropout: 0,
      decoder: 'upsample',
      output: 'softmax',
    },
    loss: { name: 'crossentropy', options: {} },
    data: {
      kind: 'synthetic',
      n: batch,
      valN: 0,
      size,
      numClasses: 4,
      missingRate: 0,
      absentRate: 0,
      seed: 1,
    },
    classNames: ['background', 'a', 'b', 'c'],
    batchSize: batch,
    learningRate: 1e-3,
    recipe: LEGACY_RECIPE,
    augment: { crop: null, scale: null, flip: false },
    normalize: null,
    seed: 1,
    steps: 1,
    checkpointEvery: 1,
    validateEvery: 1,
  };
}

/** A random batch: images in [0, 1), one-hot labels of 4 classes, all annotated. */
export function randomBatch(size: number, batch: number): TrainBatch {
  const p = size * size;
  const x = new Float32Array(batch * p);
  const y = new Float32Array(batch * p * 4);
  const labels = new Uint8Array(batch * p);
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < batch * p; i++) {
    x[i] = next();
    labels[i] = Math.floor(next() * 4);
    y[i * 4 + labels[i]] = 1;
  }
  return {
    x: { data: x, shape: [batch, size, size, 1] },
    y: { data: y, shape: [batch, size, size, 4] },
    annotated: { data: new Float32Array(batch * 4).fill(1), shape: [batch, 4] },
    ignore: null,
    labels,
  };
}

/** One executor with its model, kept across rounds. */
export interface ExecutorRunner {
  readonly workers: number;
  /** The table's `workers` cell: the count, or `2 copies` for {@link copiesRunner}. */
  readonly label: string;
  /** Appends `steps` wall times and process CPU times (ms, all threads) of one step each. */
  measure(steps: number, wall: number[], cpu: number[]): Promise<void>;
  /** Mean ms per timed step of the coordinator's phases (worker executors only; see StepTimings). */
  phases(): Record<string, number> | undefined;
  dispose(): Promise<void>;
}

/** Starts an executor of `workers` threads (1: in this thread) and takes one untimed warm-up step. */
export async function executorRunner(
  size: number,
  batch: number,
  batchNorm: boolean,
  workers: number,
): Promise<ExecutorRunner> {
  const config = benchConfig(size, batch, batchNorm);
  const model = modelOf(config);
  const adam = new Adam({ learningRate: config.learningRate });
  const parts = { model, adam, config };
  const executor: StepExecutor =
    workers === 1
      ? await inProcessExecutor(parts)
      : await startWorkerExecutor({ ...parts, workers, spawn: spawnStepThread });
  const data = randomBatch(size, batch);
  await executor.step(data, config.learningRate);
  const t = executor.timings;
  const start = t === undefined ? undefined : { ...t };
  return {
    workers,
    label: String(workers),
    phases() {
      if (t === undefined || start === undefined || t.steps === start.steps) return undefined;
      const n = t.steps - start.steps;
      const per = (k: 'send' | 'forward' | 'loss' | 'backward' | 'update') => (t[k] - start[k]) / n;
      return {
        send: per('send'),
        forward: per('forward'),
        loss: per('loss'),
        backward: per('backward'),
        update: per('update'),
      };
    },
    async measure(steps: number, wall: number[], cpu: number[]): Promise<void> {
      for (let i = 0; i < steps; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await executor.step(data, config.learningRate);
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
    },
    async dispose(): Promise<void> {
      await executor.close();
      adam.dispose();
      model.dispose();
    },
  };
}

/**
 * The same-run ceiling of a data-parallel step: `copies` worker threads (bench/step-copy-thread.ts),
 * each running segloss' one-thread step on its own model and a shard of `batch / copies` random
 * images, all started together each step; a step's wall time is until the last copy is done. This is
 * a data-parallel step without its exchange (no shared weights, no gradient sum, each copy runs its own
 * Adam), so `2 workers / 2 copies` in images/s is what segloss' executor keeps of what the machine's
 * cores give at that moment, and the copies' speed-up over 1 worker is the machine's part.
 */
export async function copiesRunner(size: number, batch: number, copies: number): Promise<ExecutorRunner> {
  if (batch % copies !== 0)
    throw new Error(`workers-step: batch ${batch} does not split into ${copies} copies`);
  const entry = new URL('./step-copy-thread.ts', import.meta.url);
  const threads = Array.from({ length: copies }, () => moduleThread(entry, { size, batch: batch / copies }));
  const answer = (w: Worker, what: string) =>
    new Promise<void>((resolve, reject) => {
      const onMessage = (m: string) => {
        if (m !== what) return;
        w.off('message', onMessage);
        w.off('error', reject);
        resolve();
      };
      w.on('message', onMessage);
      w.once('error', reject);
    });
  await Promise.all(threads.map((w) => answer(w, 'ready')));
  return {
    workers: copies,
    label: `${copies} copies`,
    async measure(steps: number, wall: number[], cpu: number[]): Promise<void> {
      for (let i = 0; i < steps; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const done = threads.map((w) => answer(w, 'done'));
        for (const w of threads) w.postMessage('step');
        await Promise.all(done);
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
    },
    phases: () => undefined,
    async dispose(): Promise<void> {
      await Promise.all(threads.map((w) => w.terminate()));
    },
  };
}

/**
 * What two cores of this machine give to two independent single-thread training steps: the ceiling of
 * any data-parallel speed-up here, measured side by side in one run.
 *
 * 1. Runs segloss' one-thread step (U-Net 16-32-64, cross-entropy, Adam, `inProcessExecutor`) on a
 *    shard-sized batch (`--batch`, default 8 = half of the README's batch 16) once alone and then as
 *    `--copies` (default 2) at the same time: separate processes (`bench/train-step.ts --workers 1`), or
 *    worker threads of this process with `--threads`. With `t1` the step alone and `tK` the step while K
 *    copies run, K cores deliver `K · t1 / tK` times the throughput of one: 2.0 on two free, independent
 *    cores; less when the cores share a physical core (SMT), memory bandwidth or caches, or are busy.
 * 2. Times the one-thread step at `--batch` and at `copies · batch`, interleaved in this process (so
 *    the machine's drift hits both alike): `T(K·b) / T(b)` is what K shards of b can give at most, since
 *    a step has per-call costs that do not shrink with the batch.
 *
 * Usage: `node --import tsx bench/core-scaling.ts [--size 64] [--batch 8] [--copies 2] [--steps 4]
 * [--rounds 2] [--threads]`.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { moduleThread } from '../src/train/parallel/spawn-thread.js';
import { setupBackend } from '../src/backend/setup.js';
import { Adam } from '../src/train/adam.js';
import { inProcessExecutor } from '../src/train/loop.js';
import { modelOf } from '../src/train/model-io.js';
import { benchConfig, randomBatch } from './workers-step.js';

/** A timed one-thread step at `batch`: one untimed warm-up step first. */
async function stepper(size: number, batch: number): Promise<() => Promise<number>> {
  const config = benchConfig(size, batch, false);
  const adam = new Adam({ learningRate: config.learningRate });
  const executor = await inProcessExecutor({ model: modelOf(config), adam, config });
  const data = randomBatch(size, batch);
  await executor.step(data, config.learningRate);
  return async () => {
    const t0 = performance.now();
    await executor.step(data, config.learningRate);
    return performance.now() - t0;
  };
}

const median = (v: number[]) => v.slice().sort((a, b) => a - b)[v.length >> 1];

if (!isMainThread) {
  const { size, batch, steps } = workerData as { size: number; batch: number; steps: number };
  await setupBackend('wasm');
  const step = await stepper(size, batch);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) times.push(await step());
  parentPort?.postMessage(median(times));
} else {
  const argv = process.argv.slice(2);
  const arg = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`core-scaling: --${name} needs a positive integer, got ${argv[i + 1]}`);
    }
    return v;
  };
  const size = arg('size', 64);
  const batch = arg('batch', 8);
  const copies = arg('copies', 2);
  const steps = arg('steps', 4);
  const rounds = arg('rounds', 2);
  const threads = argv.includes('--threads');
  const script = fileURLToPath(new URL('./train-step.ts', import.meta.url));

  /** One `train-step --workers 1` process; resolves to its median step ms. */
  const inProcess = (): Promise<number> => {
    const args = ['--import', 'tsx', script, '--workers', '1', '--no-torch', '--size', `${size}`];
    args.push('--batch', `${batch}`, '--steps', `${steps}`, '--rounds', `${rounds}`);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => {
        const row = out.split('\n').find((l) => new RegExp(`^\\s*${size}x${size}x1\\s+1\\s+\\d`).test(l));
        if (code !== 0 || row === undefined) reject(new Error(`core-scaling: train-step failed:\n${out}`));
        else resolve(Number(row.trim().split(/\s+/)[2]));
      });
    });
  };
  /** One worker thread of this file (under tsx's loader); resolves to its median step ms. */
  const inThread = (): Promise<number> => {
    const w = moduleThread(new URL(import.meta.url), { size, batch, steps: steps * rounds });
    return new Promise((resolve, reject) => {
      w.on('message', (m: number) => void w.terminate().then(() => resolve(m)));
      w.on('error', reject);
    });
  };
  const runOne = threads ? inThread : inProcess;

  const load = () =>
    loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
  console.log(`${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}; load ${load()}`);
  const alone = await runOne();
  const together = await Promise.all(Array.from({ length: copies }, runOne));
  const tK = together.reduce((a, b) => a + b, 0) / copies;
  const how = threads ? 'worker threads of one process' : 'processes';
  const list = together.map((t) => t.toFixed(0)).join(', ');
  console.log(
    `${size}x${size}, batch ${batch}, one-thread step: alone ${alone.toFixed(0)} ms; ${copies} ${how} at once ${list} ms`,
  );
  console.log(`throughput of ${copies} copies / 1: ${((copies * alone) / tK).toFixed(2)} (ideal ${copies})`);

  await setupBackend('wasm');
  const small = await stepper(size, batch);
  const large = await stepper(size, copies * batch);
  const ts: number[] = [];
  const tl: number[] = [];
  for (let i = 0; i < steps * rounds; i++) {
    ts.push(await small());
    tl.push(await large());
  }
  const [s, l] = [median(ts), median(tl)];
  console.log(
    `interleaved in this process: batch ${batch} ${s.toFixed(0)} ms, batch ${copies * batch} ${l.toFixed(0)} ms; ` +
      `T(${copies * batch}) / T(${batch}) = ${(l / s).toFixed(2)} (the most ${copies} shards can give)`,
  );
  console.log(`load average after: ${load()}`);
}

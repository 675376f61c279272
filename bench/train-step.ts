/**
 * Training-step benchmark of segloss' U-Net on tfjs' wasm backend (with segloss' kernels), against the
 * same model in PyTorch on the CPU when Debian's python3-torch is installed.
 *
 * Model: buildUNet depth 3 (16-32-64 filters), 3x3 convs + ReLU, 2x2 max-pool, nearest x2 up-sampling
 * with skip concatenation, 1x1 conv + softmax over 4 classes; loss: mean categorical cross-entropy;
 * optimiser: Adam (lr 1e-3). Inputs `[batch, size, size, 1]`, random images and labels.
 *
 * Reports per size: median ms per training step (forward + backward + Adam update), images/s, the
 * forward pass alone (same run, same model), step/forward (ideal about 3), and PyTorch's step at 1 and 2
 * threads with the ratio wasm/PyTorch, and the same ratio in process CPU time (robust to other load on
 * the machine; for one thread it equals wall time on an idle machine). tfjs' wasm backend runs on one
 * thread in Node.
 *
 * Usage: `node --import tsx bench/train-step.ts [--size 64] [--batch 16] [--steps 5] [--bn] [--profile]
 * [--rounds 3] [--no-torch] [--top 15] [--no-simd]`. Each round times `--steps` wasm steps and forward
 * passes (alternating), then PyTorch; medians over all rounds are printed. `--no-simd` turns off segloss' SIMD conv-gradient kernels (the
 * tfjs-ops paths remain), to show what they gain; `--top` sets how many kernels the profile lists. Without `--size` both 64 and 128 are run. `--profile` lists the top kernels of one step
 * by self time (time inside nested kernel calls is charged to the inner kernel).
 *
 * `--workers 1,2` instead times segloss' own training step (the one `segloss train --workers N` runs:
 * registry cross-entropy, segloss' Adam) through its step executors, for each worker count, rounds
 * alternating between the counts and PyTorch at the same thread counts, and prints images/s, the
 * speed-up over the first count, and segloss/PyTorch at equal thread counts, with the load average
 * before and after (the machine's load changes what two threads can get). In the same rounds it times
 * N copies of the one-thread step (N the largest count; `--no-copies` skips them): N threads, each on
 * its own model and batch / N images, started together each step, which is the step the data-parallel
 * executor runs minus its exchange. Their speed-up is what the machine's cores give at that time (on a
 * VM it moves from run to run), and `N workers / N copies` is what the executor keeps of it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/backend/setup.js';
import { buildUNet } from '../src/model/unet.js';
import { useSimdKernels } from '../src/backend/wasm/simd-instance.js';
import { cpus, loadavg } from 'node:os';
import { copiesRunner, executorRunner, type ExecutorRunner } from './workers-step.js';

interface Args {
  sizes: number[];
  batch: number;
  steps: number;
  bn: boolean;
  profile: boolean;
  top: number;
  rounds: number;
  simd: boolean;
  torch: boolean;
  /** `--workers 1,2`: the worker counts to compare (segloss' own step executors), or undefined. */
  workers?: number[];
  /** With `--workers`: also time the same-run ceiling (`copiesRunner`); `--no-copies` turns it off. */
  copies: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    sizes: [64, 128],
    batch: 16,
    steps: 5,
    rounds: 3,
    bn: false,
    profile: false,
    top: 15,
    simd: true,
    torch: true,
    copies: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1)
        throw new Error(`train-step: ${a} needs a positive integer, got ${argv[i]}`);
      return v;
    };
    if (a === '--size') args.sizes = [num()];
    else if (a === '--batch') args.batch = num();
    else if (a === '--steps') args.steps = num();
    else if (a === '--bn') args.bn = true;
    else if (a === '--profile') args.profile = true;
    else if (a === '--top') args.top = num();
    else if (a === '--rounds') args.rounds = num();
    else if (a === '--no-simd') args.simd = false;
    else if (a === '--no-torch') args.torch = false;
    else if (a === '--no-copies') args.copies = false;
    else if (a === '--workers') {
      const list = (argv[++i] ?? '').split(',').map(Number);
      if (list.length === 0 || list.some((v) => !Number.isInteger(v) || v < 1))
        throw new Error(`train-step: --workers needs a list of positive integers like 1,2, got ${argv[i]}`);
      args.workers = list;
    } else throw new Error(`train-step: unknown argument ${a}`);
  }
  return args;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Self time per kernel (ms, calls), collected while `active`. */
const kernelTimes = new Map<string, { ms: number; calls: number }>();
let active = false;

/** Wraps every kernel registered for `backend` with a timer that charges nested calls to the inner kernel. */
function instrumentKernels(backend: string): void {
  const stack: number[] = [];
  for (const config of tf.getKernelsForBackend(backend)) {
    const original = config.kernelFunc;
    const timed: tf.KernelFunc = (args) => {
      if (!active) return original(args);
      stack.push(0);
      const t0 = performance.now();
      try {
        return original(args);
      } finally {
        const total = performance.now() - t0;
        const nested = stack.pop() ?? 0;
        if (stack.length > 0) stack[stack.length - 1] += total;
        const e = kernelTimes.get(config.kernelName) ?? { ms: 0, calls: 0 };
        e.ms += total - nested;
        e.calls++;
        kernelTimes.set(config.kernelName, e);
      }
    };
    (config as { kernelFunc: tf.KernelFunc }).kernelFunc = timed;
  }
}

/** Timed samples (ms) of the wasm model, appended to by every round. */
interface WasmSamples {
  steps: number[];
  stepsCpu: number[];
  fwds: number[];
  fwdsCpu: number[];
}

/** The wasm model of one size, kept across rounds: `measure` appends `args.steps` samples of each kind. */
interface WasmRunner {
  measure(into: WasmSamples): void;
  profile(): void;
  loss(): number;
  dispose(): void;
}

function wasmRunner(size: number, args: Args): WasmRunner {
  const model = buildUNet({
    inputShape: [size, size, 1],
    numClasses: 4,
    depth: 3,
    baseFilters: 16,
    batchNorm: args.bn,
    seed: 1,
  });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([args.batch, size, size, 1], 0, 1, 'float32', 1);
  const labels = tf.randomUniform([args.batch, size, size], 0, 4, 'int32', 2);
  const y = tf.oneHot(labels, 4).toFloat();
  const lossFn = (): tf.Scalar => {
    const p = model.apply(x, { training: true }) as tf.Tensor;
    return tf.metrics.categoricalCrossentropy(y, p).mean() as tf.Scalar;
  };
  let loss = NaN;
  const step = (): void => {
    const l = optimizer.minimize(lossFn, true) as tf.Scalar;
    loss = l.dataSync()[0];
    l.dispose();
  };
  const forward = (): void => {
    // Return the tensor, not its data, from tidy: tidy walks a returned typed array element by element.
    const out = tf.tidy(() => model.apply(x, { training: true }) as tf.Tensor);
    out.dataSync();
    out.dispose();
  };
  step();
  forward();
  // Steps and forward passes alternate, so that load from other processes falls on both alike.
  const timed = (f: () => void, wall: number[], cpu: number[]): void => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  };
  return {
    measure(into: WasmSamples): void {
      for (let i = 0; i < args.steps; i++) {
        timed(step, into.steps, into.stepsCpu);
        timed(forward, into.fwds, into.fwdsCpu);
      }
    },
    profile(): void {
      kernelTimes.clear();
      active = true;
      const t0 = performance.now();
      step();
      const stepMs = performance.now() - t0;
      active = false;
      const rows = [...kernelTimes].sort((p, q) => q[1].ms - p[1].ms);
      const total = rows.reduce((acc, [, v]) => acc + v.ms, 0);
      console.log(
        `\nprofile, ${size}x${size} batch ${args.batch}: one step ${stepMs.toFixed(0)} ms, kernels ${total.toFixed(0)} ms`,
      );
      console.log('kernel                           self ms  calls  share');
      for (const [name, v] of rows.slice(0, args.top)) {
        console.log(
          `${name.padEnd(32)} ${v.ms.toFixed(1).padStart(7)} ${String(v.calls).padStart(6)} ${((100 * v.ms) / total).toFixed(1).padStart(5)}%`,
        );
      }
    },
    loss: () => loss,
    dispose(): void {
      tf.dispose([x, labels, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

interface TorchResult {
  step_ms: number;
  step_cpu_ms: number;
  forward_ms: number;
  torch: string;
}

/** A python with torch importable: Debian's /usr/bin/python3 (python3-torch), else `python3` on PATH. */
function findTorchPython(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    if (py.startsWith('/') && !existsSync(py)) continue;
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function runTorch(py: string, size: number, threads: number, args: Args): TorchResult | undefined {
  const script = fileURLToPath(new URL('./torch_unet.py', import.meta.url));
  const argv = [script, '--size', String(size), '--batch', String(args.batch), '--steps', String(args.steps)];
  argv.push('--threads', String(threads), ...(args.bn ? ['--bn'] : []));
  const r = spawnSync(py, argv, { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`torch_unet.py failed (threads ${threads}): ${r.stderr.trim().split('\n').pop()}`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchResult;
}

const args = parseArgs(process.argv.slice(2));
const backend = await setupBackend('wasm');
useSimdKernels(args.simd);
if (args.workers !== undefined) {
  await workersTable(args, args.workers);
  process.exit(0);
}
if (args.profile) instrumentKernels(backend);
const py = args.torch ? findTorchPython() : undefined;
if (args.torch && py === undefined)
  console.log('PyTorch not found (apt-get install -y python3-torch); skipping the comparison');

console.log(
  `U-Net 16-32-64, 4 classes, batch ${args.batch}, ${args.rounds} rounds of ${args.steps} timed steps, batchNorm ${args.bn}, Adam, SIMD conv gradients ${args.simd ? 'on' : 'off'}`,
);
const rows: string[][] = [
  [
    'input',
    'step ms',
    'step cpu',
    'fwd ms',
    'fwd cpu',
    'step/fwd',
    'img/s',
    'torch1 ms',
    'torch1 cpu',
    'torch2 ms',
    'wasm/torch1',
    'wasm/torch2',
  ],
];
for (const size of args.sizes) {
  // Rounds alternate wasm and PyTorch, so that slow changes in the machine's load fall on both.
  const runner = wasmRunner(size, args);
  const w: WasmSamples = { steps: [], stepsCpu: [], fwds: [], fwdsCpu: [] };
  const torch1: TorchResult[] = [];
  const torch2: TorchResult[] = [];
  for (let round = 0; round < args.rounds; round++) {
    runner.measure(w);
    const r1 = py ? runTorch(py, size, 1, args) : undefined;
    const r2 = py ? runTorch(py, size, 2, args) : undefined;
    if (r1) torch1.push(r1);
    if (r2) torch2.push(r2);
  }
  if (args.profile) runner.profile();
  const loss = runner.loss();
  runner.dispose();
  const stepMs = median(w.steps);
  const stepCpuMs = median(w.stepsCpu);
  const fwdCpuMs = median(w.fwdsCpu);
  const t1 = torch1.length ? median(torch1.map((t) => t.step_cpu_ms)) : undefined;
  const t1Wall = torch1.length ? median(torch1.map((t) => t.step_ms)) : undefined;
  const t2 = torch2.length ? median(torch2.map((t) => t.step_ms)) : undefined;
  const f = (v: number | undefined, d = 0): string => (v === undefined ? '-' : v.toFixed(d));
  rows.push([
    `${size}x${size}x1`,
    f(stepMs),
    f(stepCpuMs),
    f(median(w.fwds)),
    f(fwdCpuMs),
    f(stepCpuMs / fwdCpuMs, 2),
    f((1000 * args.batch) / stepCpuMs, 1),
    f(t1Wall),
    f(t1),
    f(t2),
    f(t1 && stepCpuMs / t1, 2),
    f(t2 && stepMs / t2, 2),
  ]);
  if (!Number.isFinite(loss)) console.log(`warning: loss is ${loss} at size ${size}`);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log('');
for (const r of rows) console.log(r.map((v, c) => v.padStart(widths[c])).join('  '));
console.log(
  '\nms: median wall time; cpu: median process CPU time, which other load on the machine inflates less.',
);
console.log('step/fwd, img/s and wasm/torch1 use CPU time (one thread each); wasm/torch2 uses wall time.');
console.log('wasm runs on 1 thread in Node; targets: step/fwd <= 3.3, wasm/torch1 <= 2.5');

/** `load average 1.23 0.98 0.70 (1, 5, 15 min)`: what other processes take from the machine. */
function load(): string {
  return `load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')} (1, 5, 15 min)`;
}

/** The `--workers` table (see the header). */
async function workersTable(a: Args, counts: number[]): Promise<void> {
  const py = a.torch ? findTorchPython() : undefined;
  if (a.torch && py === undefined)
    console.log('PyTorch not found (apt-get install -y python3-torch); skipping the comparison');
  console.log(
    `segloss train step (U-Net 16-32-64, 4 classes, cross-entropy, Adam), batch ${a.batch}, batchNorm ${a.bn}, ` +
      `${a.rounds} rounds of ${a.steps} timed steps per worker count; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`,
  );
  const header = [
    'input',
    'workers',
    'step ms',
    'cpu ms',
    'img/s',
    'speed-up',
    'torch ms',
    'torch img/s',
    'segloss/torch',
  ];
  const rows: string[][] = [header];
  const f = (v: number | undefined, d = 0): string => (v === undefined ? '-' : v.toFixed(d));
  const ceilings: string[] = [];
  for (const size of a.sizes) {
    console.log(`${size}x${size}: start, ${load()}`);
    const runners: ExecutorRunner[] = [];
    for (const w of counts) runners.push(await executorRunner(size, a.batch, a.bn, w));
    const most = Math.max(...counts);
    if (a.copies && most > 1 && a.batch % most === 0) runners.push(await copiesRunner(size, a.batch, most));
    const wall = runners.map(() => [] as number[]);
    const cpu = runners.map(() => [] as number[]);
    const torch = runners.map(() => [] as TorchResult[]);
    for (let round = 0; round < a.rounds; round++) {
      for (let i = 0; i < runners.length; i++) {
        await runners[i].measure(a.steps, wall[i], cpu[i]);
        const r = py && i < counts.length ? runTorch(py, size, counts[i], a) : undefined;
        if (r) torch[i].push(r);
      }
    }
    for (const r of runners) {
      const ph = r.phases();
      if (ph !== undefined) {
        const serial = ph.send + ph.loss + ph.update;
        console.log(
          `${size}x${size}, ${r.workers} workers, per step: coordinator serial ${serial.toFixed(1)} ms ` +
            `(send ${ph.send.toFixed(1)}, loss ${ph.loss.toFixed(1)}, sum + Adam ${ph.update.toFixed(1)}); ` +
            `waiting for forward ${ph.forward.toFixed(0)} ms, backward ${ph.backward.toFixed(0)} ms`,
        );
      }
      await r.dispose();
    }
    console.log(`${size}x${size}: end,   ${load()}`);
    const base = median(wall[0]);
    const labels = runners.map((r) => r.label);
    labels.forEach((label, i) => {
      const ms = median(wall[i]);
      const t = torch[i].length ? median(torch[i].map((r) => r.step_ms)) : undefined;
      rows.push([
        `${size}x${size}x1`,
        label,
        f(ms),
        f(median(cpu[i])),
        f((1000 * a.batch) / ms, 1),
        f(base / ms, 2),
        f(t),
        f(t && (1000 * a.batch) / t, 1),
        f(t && ms / t, 2),
      ]);
    });
    if (runners.length > counts.length) {
      const [workers, copies] = [median(wall[counts.indexOf(most)]), median(wall[counts.length])];
      ceilings.push(
        `${size}x${size}: ${most} copies ${(base / copies).toFixed(2)}x 1 worker (the machine's cores at that time); ` +
          `${most} workers reach ${((100 * copies) / workers).toFixed(0)}% of the copies' images/s`,
      );
    }
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log('');
  for (const r of rows) console.log(r.map((v, c) => v.padStart(widths[c])).join('  '));
  for (const line of ceilings) console.log(line);
  console.log(
    `\nstep ms: median wall time of one step (forward, backward, Adam); img/s = batch / step time;` +
      `\ncpu ms: process CPU time of one step summed over all threads (the work; cpu ms / step ms is the` +
      `\nnumber of cores the step kept busy, at most the workers and at most the idle cores of the machine);` +
      `\nspeed-up: img/s over the first worker count's (${counts[0]}); torch: PyTorch ${'at as many threads as workers'}` +
      `\n(torch.set_num_threads), same model and batch; segloss/torch: step time ratio at equal thread counts.` +
      `\nN copies: N threads each running the one-thread step on its own model and batch / N images, started` +
      `\ntogether each step (bench/workers-step.ts copiesRunner): a data-parallel step without its exchange.` +
      `\ntargets (2-core machine, batch 16): 2 workers >= 1.7x 1 worker; segloss/torch at 2 threads <= 2.5.`,
  );
}

/**
 * What two cores of this machine give to two independent single-thread training steps: the ceiling of
 * any data-parallel speed-up here, measured side by side in one run.
 *
 * Runs `bench/train-step.ts --workers 1` (segloss' own one-thread step: U-Net 16-32-64, cross-entropy,
 * Adam) on a shard-sized batch (`--batch`, default 8 = half of the README's batch 16) once alone and then
 * as `--copies` (default 2) processes at the same time, and prints the median step time of each. With
 * `t1` the step alone and `tK` the step while K copies run, K cores deliver `K · t1 / tK` times the
 * throughput of one: 2.0 on two free, independent cores; less when the cores share a physical core
 * (SMT), memory bandwidth or caches, or are taken by other load. A data-parallel step of batch K·b on K
 * workers cannot beat that ratio times `T(K·b) / (K · t1)` (the one-thread step of the whole batch over
 * K steps of a shard), and it adds its serial part (summing, Adam) on top.
 *
 * Usage: `node --import tsx bench/core-scaling.ts [--size 64] [--batch 8] [--copies 2] [--steps 4]
 * [--rounds 2]`.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

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
const script = fileURLToPath(new URL('./train-step.ts', import.meta.url));

/** One `train-step --workers 1` process; resolves to its median step ms. */
function runOne(): Promise<number> {
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
}

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
console.log(
  `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}; load average ${load()}`,
);
const alone = await runOne();
const together = await Promise.all(Array.from({ length: copies }, runOne));
const tK = together.reduce((a, b) => a + b, 0) / copies;
console.log(`load average after: ${load()}`);
console.log(
  `${size}x${size}, batch ${batch}, one-thread step: alone ${alone} ms; with ${copies} copies at once ${together.join(', ')} ms`,
);
console.log(
  `throughput of ${copies} copies / 1: ${((copies * alone) / tK).toFixed(2)} (ideal ${copies.toFixed(2)})`,
);

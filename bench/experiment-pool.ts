/**
 * What the process pool gains: the same experiment (2 losses x 2 seeds, short U-Net trainings on a
 * synthetic dataset) run with `--jobs 1` and with `--jobs 2`, side by side in one run; prints the wall
 * time of each and the speed-up. tfjs' wasm backend uses one thread in Node, so independent runs in
 * separate processes are how segloss uses a second core.
 *
 * Usage: `node --import tsx bench/experiment-pool.ts [--steps 20] [--size 64] [--jobs 2]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { runExperiment } from '../src/experiment/grid.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`experiment-pool: ${name} needs a positive integer`);
  return v;
};
const steps = flag('--steps', 20);
const size = flag('--size', 64);
const jobs = flag('--jobs', 2);

const tmp = mkdtempSync(join(tmpdir(), 'segloss-bench-pool-'));
try {
  const data = join(tmp, 'data');
  const synth = [
    'synth',
    '--out',
    data,
    '--n',
    '32',
    '--val-n',
    '8',
    '--test-n',
    '16',
    '--size',
    String(size),
  ];
  if ((await main([...synth, '--missing-rate', '0.3', '--seed', '1'], captureIO())) !== 0)
    throw new Error('experiment-pool: synth failed');
  const trainArgs = ['--steps', String(steps), '--batch', '8', '--checkpoint-every', String(steps)];
  const time = async (j: number): Promise<number> => {
    const r = await runExperiment({
      data,
      out: join(tmp, `jobs-${j}`),
      losses: ['crossentropy', 'marginal-crossentropy'],
      seeds: [1, 2],
      jobs: j,
      trainArgs,
      backend: 'wasm',
    });
    if (r.pool.some((x) => !x.ok)) throw new Error(`experiment-pool: a run failed with --jobs ${j}`);
    return r.seconds;
  };
  console.log(`4 runs (2 losses x 2 seeds), ${steps} steps of batch 8 at ${size}x${size}, wasm`);
  const one = await time(1);
  const many = await time(jobs);
  console.log(
    `--jobs 1: ${one.toFixed(1)} s   --jobs ${jobs}: ${many.toFixed(1)} s   speed-up ${(one / many).toFixed(2)}x`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

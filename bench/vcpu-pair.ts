/**
 * What two threads of plain arithmetic get from this machine's cores, with no memory traffic and no
 * segloss code: the floor under every two-thread speed-up here, and how much it moves.
 *
 * Two worker threads run the same register-only loop (a multiply-add chain, no array access, so caches
 * and memory bandwidth do not enter). Each round times the loop in one thread alone and then in both at
 * once; `2 · alone / max(both)` is what a step that waits for the slower of two equal halves would
 * gain (the data-parallel step's barrier), `2 · alone / mean(both)` what two independent jobs would.
 * On two free, steady cores both are 2.0.
 *
 * Usage: `node --import tsx bench/vcpu-pair.ts [--rounds 8] [--n 300000000]`.
 */
import { cpus, loadavg } from 'node:os';
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { moduleThread } from '../src/train/parallel/spawn-thread.js';

/** `n` dependent multiply-adds on three registers. */
function spin(n: number): number {
  let [a, b, s] = [1.0001, 0.9999, 0];
  for (let i = 0; i < n; i++) {
    s += a * b;
    a *= 1.0000001;
    b *= 0.9999999;
  }
  return s;
}

if (!isMainThread) {
  const n = (workerData as { n: number }).n;
  spin(n); // warm-up: optimised before the first timed call
  parentPort?.on('message', () => {
    const t0 = performance.now();
    spin(n);
    parentPort?.postMessage(performance.now() - t0);
  });
} else {
  const argv = process.argv.slice(2);
  const arg = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    const v = i < 0 ? fallback : Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`vcpu-pair: --${name} needs a positive integer, got ${argv[i + 1]}`);
    return v;
  };
  const rounds = arg('rounds', 8);
  const n = arg('n', 300_000_000);
  const threads = [0, 1].map(() => moduleThread(new URL(import.meta.url), { n }));
  const time = (w: Worker) =>
    new Promise<number>((resolve) => {
      w.once('message', resolve);
      w.postMessage('go');
    });
  console.log(
    `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}; load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const barrier: number[] = [];
  const independent: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const alone = await time(threads[0]);
    const both = await Promise.all(threads.map(time));
    barrier.push((2 * alone) / Math.max(...both));
    independent.push((4 * alone) / (both[0] + both[1]));
    console.log(
      `round ${r + 1}: alone ${alone.toFixed(0)} ms, both at once ${both.map((t) => t.toFixed(0)).join(' / ')} ms: ` +
        `${barrier[r].toFixed(2)}x with a barrier, ${independent[r].toFixed(2)}x independent`,
    );
  }
  const sorted = (v: number[]) => [...v].sort((p, q) => p - q);
  const span = (v: number[]) =>
    `${sorted(v)[0].toFixed(2)}-${sorted(v)[v.length - 1].toFixed(2)}x, median ${sorted(v)[v.length >> 1].toFixed(2)}x`;
  console.log(
    `two threads / one, with a barrier: ${span(barrier)}; independent: ${span(independent)} (ideal 2)`,
  );
  await Promise.all(threads.map((w) => w.terminate()));
}

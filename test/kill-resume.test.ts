// Kill and resume: a training child process is SIGKILLed at a random moment after its first checkpoint
// (possibly in the middle of writing a checkpoint); `--resume` then finishes the run, and its final
// weights and metrics must equal those of an uninterrupted run with the same seed, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, tinyTrainArgs } from './helpers/cli.js';

const STEPS = 60;
const root = new URL('..', import.meta.url).pathname;
const child = join(root, 'test', 'fixtures-train', 'train-child.ts');

function args(out: string): string[] {
  return tinyTrainArgs(out, { steps: STEPS, seed: 9, checkpointEvery: 3, extra: ['--validate-every', '6'] });
}

const run = (argv: string[]) => runCli(...argv);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('SIGKILL at a random moment after the first checkpoint, then --resume: same weights and metrics', async () => {
  const base = mkdtempSync(join(tmpdir(), 'segloss-kill-'));
  const killed = join(base, 'killed');
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args(killed)], {
    cwd: root,
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = Date.now();
  while (!existsSync(join(killed, 'latest.json'))) {
    assert.ok(Date.now() - started < 120_000, 'child wrote no checkpoint within 120 s');
    await sleep(5);
  }
  const delay = Math.floor(Math.random() * 600);
  await sleep(delay);
  proc.kill('SIGKILL');
  const status = await exited;
  assert.equal(status.signal, 'SIGKILL', `child ended by itself (delay ${delay} ms); raise STEPS`);
  const at = JSON.parse(readFileSync(join(killed, 'latest.json'), 'utf8')).step as number;
  assert.ok(at >= 3 && at < STEPS, `killed after step ${at}`);

  const resumed = await run([...args(killed), '--resume']);
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(JSON.parse(resumed.out).resumedFrom, at, `delay ${delay} ms`);

  const straight = join(base, 'straight');
  assert.equal((await run(args(straight))).code, 0);
  const weights = (dir: string) =>
    readFileSync(join(dir, 'checkpoints', `step-${String(STEPS).padStart(6, '0')}`, 'weights.bin'));
  assert.ok(
    weights(killed).equals(weights(straight)),
    `weights differ after a kill at step ${at} (delay ${delay} ms)`,
  );
  const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics(killed), metrics(straight));
});

/**
 * `segloss experiment` end to end: two losses x two seeds trained and evaluated in a pool of two
 * processes on a tiny synthetic dataset; the summary agrees with the runs' own eval.json; starting it
 * again runs nothing; a run whose evaluation is lost is run again (resuming its training) and only it;
 * bad flags fail before anything is spawned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'segloss-experiment-'));
const data = join(tmp, 'data');
const out = join(tmp, 'exp');

test.after(() => rmSync(tmp, { recursive: true, force: true }));

const experiment = (...extra: string[]) =>
  runCli(
    'experiment',
    ...['--data', data, '--losses', 'crossentropy,marginal-crossentropy', '--seeds', '3,4', '--out', out],
    ...['--steps', '2', '--batch', '4', '--checkpoint-every', '1', '--depth', '2', '--filters', '4'],
    ...['--jobs', '2', '--backend', 'wasm', ...extra],
  );

interface Summary {
  summary: { loss: string; seeds: number[]; meanIoU: { mean: number; sd: number | null; n: number } }[];
  runs: { loss: string; seed: number; dir: string; scores: { meanIoU: number } | null }[];
}

test('experiment: every (loss, seed) runs in the pool, and the summary is the mean and sd of the runs', async () => {
  const synth = await runCli(
    ...['synth', '--out', data, '--n', '8', '--val-n', '2', '--test-n', '3', '--size', '16'],
    ...['--missing-rate', '0.3', '--seed', '1'],
  );
  assert.equal(synth.code, 0, synth.err);
  const r = await experiment('--json');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /started crossentropy\/seed-3/);
  const printed = JSON.parse(r.out) as Summary & { jobs: number };
  assert.equal(printed.jobs, 2);
  const saved = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  assert.deepEqual(saved.summary, printed.summary);
  for (const s of saved.summary) {
    assert.deepEqual(s.seeds, [3, 4]);
    const ious = [3, 4].map((seed) => {
      const lines = readFileSync(join(out, s.loss, `seed-${seed}`, 'eval.json'), 'utf8')
        .trim()
        .split('\n');
      return (JSON.parse(lines[lines.length - 1]) as { meanIoU: number }).meanIoU;
    });
    assert.ok(Math.abs(s.meanIoU.mean - (ious[0] + ious[1]) / 2) < 1e-12);
    assert.ok(Math.abs((s.meanIoU.sd ?? NaN) - Math.abs(ious[0] - ious[1]) / Math.SQRT2) < 1e-12);
  }
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /^\| loss \| runs \| mean IoU \| background/);
});

test('experiment: started again it runs nothing; a run that lost its eval.json runs again, resumed', async () => {
  const evalFile = join(out, 'crossentropy', 'seed-4', 'eval.json');
  const untouched = join(out, 'marginal-crossentropy', 'seed-3', 'eval.json');
  const before = statSync(untouched).mtimeMs;
  const again = await experiment();
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /^4 run\(s\), 0 run now/);
  rmSync(evalFile);
  const redo = await experiment();
  assert.equal(redo.code, 0, redo.err);
  assert.match(redo.out, /^4 run\(s\), 1 run now/);
  assert.ok(existsSync(evalFile));
  assert.equal(statSync(untouched).mtimeMs, before);
  assert.match(readFileSync(join(out, 'crossentropy', 'seed-4', 'log.txt'), 'utf8'), /resumed from step 2/);
});

test('experiment: bad flags fail before any run starts', async () => {
  const bad = async (args: string[], message: RegExp) => {
    const r = await runCli('experiment', '--data', data, '--out', join(tmp, 'never'), ...args);
    assert.equal(r.code, 1);
    assert.match(r.err, message);
    assert.equal(existsSync(join(tmp, 'never')), false);
  };
  await bad(['--losses', 'crossentropy,nope'], /unknown loss 'nope'/);
  await bad(['--losses', 'crossentropy', '--seeds', '1,x'], /--seeds is 'x'; expected an integer/);
  await bad(['--losses', 'crossentropy', '--seeds', '1,1'], /seeds has duplicates/);
  await bad(
    ['--losses', 'crossentropy', '--loss-options', '{"focal":{}}'],
    /names 'focal', which is not in --losses/,
  );
  await bad(['--losses', 'crossentropy', '--jobs', '0'], /--jobs is '0'; expected an integer in \[1, 256\]/);
});

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
  groups: {
    method: string;
    seeds: number[];
    meanIoU: { mean: number; sd: number | null; n: number; values: number[] };
  }[];
  runs: { method: string; seed: number; dir: string; meanIoU: number | null }[];
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
  const printed = JSON.parse(r.out) as { jobs: number; summary: Summary };
  assert.equal(printed.jobs, 2);
  const saved = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  assert.deepEqual(saved, printed.summary);
  for (const s of saved.groups) {
    assert.deepEqual(s.seeds, [3, 4]);
    const ious = [3, 4].map((seed) => {
      const lines = readFileSync(join(out, s.method, `seed-${seed}`, 'eval.json'), 'utf8')
        .trim()
        .split('\n');
      return (JSON.parse(lines[lines.length - 1]) as { meanIoU: number }).meanIoU;
    });
    assert.ok(Math.abs(s.meanIoU.mean - (ious[0] + ious[1]) / 2) < 1e-12);
    assert.ok(Math.abs((s.meanIoU.sd ?? NaN) - Math.abs(ious[0] - ious[1]) / Math.SQRT2) < 1e-12);
    assert.deepEqual(s.meanIoU.values, ious);
  }
  assert.match(
    readFileSync(join(out, 'summary.md'), 'utf8'),
    /^### Test mean IoU \(seeds 3, 4\)\n\n\| method \| mean IoU \| ellipse/,
  );
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
  await bad(
    ['--losses', 'crossentropy', '--drop-mode', 'pixel', '--drop-rates', '0.3'],
    /--drop-mode 'pixel'; expected object, class, subset/,
  );
  await bad(['--losses', 'crossentropy', '--drop-mode', 'class'], /--drop-mode needs --drop-rates/);
  await bad(['--losses', 'crossentropy', '--baselines', 'oracle'], /--baselines oracle needs --drop-mode/);
  await bad(
    ['--losses', 'crossentropy', '--baselines', 'best'],
    /--baselines 'best'; expected oracle, drop-incomplete, ignore-background/,
  );
  // The data above has dropped labels: a study must start from complete ones.
  await bad(
    ['--losses', 'crossentropy', '--drop-mode', 'class', '--drop-rates', '0.3'],
    /--drop-mode needs a fully annotated training split; \d+ training image\(s\) of .* do not annotate every class/,
  );
  await bad(
    ['--losses', 'crossentropy', '--only', 'crossentropy/seed-9'],
    /--only 'crossentropy\/seed-9' is not a run of this study/,
  );
});

test('experiment: a study with drop settings and baselines is paired by seed; --plan and --only', async () => {
  const full = join(tmp, 'full');
  const study = join(tmp, 'study');
  const synth = await runCli(
    ...['synth', '--out', full, '--n', '8', '--val-n', '2', '--test-n', '3', '--size', '16'],
    ...['--missing-rate', '0', '--max-objects', '2', '--seed', '2'],
  );
  assert.equal(synth.code, 0, synth.err);
  const flags = [
    ...[
      'experiment',
      '--data',
      full,
      '--losses',
      'crossentropy,missing-aware-crossentropy',
      '--seeds',
      '1,2',
    ],
    ...[
      '--out',
      study,
      '--steps',
      '1',
      '--batch',
      '4',
      '--depth',
      '2',
      '--filters',
      '4',
      '--backend',
      'wasm',
    ],
    ...['--drop-mode', 'class', '--drop-rates', '0.5', '--baselines', 'oracle,ignore-background'],
    ...['--annotated', 'explicit,infer'],
  ];
  const plan = await runCli(...flags, '--plan');
  assert.equal(plan.code, 0, plan.err);
  const lines = plan.out.split('\n');
  const ids = lines.map((l) => l.split(' --only ')[1]);
  assert.deepEqual(ids, [
    'oracle/seed-1',
    'class-0.5/crossentropy/seed-1',
    'class-0.5/missing-aware-crossentropy/seed-1',
    'class-0.5/missing-aware-crossentropy@infer/seed-1',
    'class-0.5/ignore-background/seed-1',
    'oracle/seed-2',
    'class-0.5/crossentropy/seed-2',
    'class-0.5/missing-aware-crossentropy/seed-2',
    'class-0.5/missing-aware-crossentropy@infer/seed-2',
    'class-0.5/ignore-background/seed-2',
  ]);
  assert.ok(lines.every((l) => l.startsWith('segloss experiment --data ') && / --jobs 1 --only /.test(l)));
  assert.ok(!existsSync(study), '--plan writes nothing');
  // One run through its planned command (as a scheduler would), then the rest.
  const one = await runCli(...lines[1].split(' ').slice(1));
  assert.equal(one.code, 0, one.err);
  assert.ok(existsSync(join(study, 'class-0.5', 'crossentropy', 'seed-1', 'eval.json')));
  assert.ok(!existsSync(join(study, 'oracle', 'seed-1')));
  const all = await runCli(...flags, '--jobs', '2', '--json');
  assert.equal(all.code, 0, all.err);
  const config = (id: string) => JSON.parse(readFileSync(join(study, id, 'config.json'), 'utf8'));
  for (const seed of [1, 2]) {
    const ce = config(`class-0.5/crossentropy/seed-${seed}`);
    assert.deepEqual(ce.labels, {
      drop: { mode: 'class', rate: 0.5, seed },
      images: 'all',
      ignoreIncompleteBackground: false,
    });
    for (const m of ['missing-aware-crossentropy', 'missing-aware-crossentropy@infer', 'ignore-background']) {
      const c = config(`class-0.5/${m}/seed-${seed}`);
      assert.deepEqual(c.labels.drop, ce.labels.drop, 'every method sees the same dropped labels');
      assert.equal(c.seed, seed, 'and the same initial weights and batch order');
    }
    assert.equal(config(`class-0.5/ignore-background/seed-${seed}`).labels.ignoreIncompleteBackground, true);
    assert.equal(
      config(`class-0.5/missing-aware-crossentropy@infer/seed-${seed}`).loss.options.annotated,
      'infer',
    );
    assert.equal(config(`oracle/seed-${seed}`).labels, undefined, 'the oracle trains on the full labels');
  }
  const summary = JSON.parse(readFileSync(join(study, 'summary.json'), 'utf8'));
  assert.equal(summary.format, 'segloss-study');
  assert.equal(summary.runs.length, 10);
  assert.equal(summary.comparisons.length, 3);
  for (const c of summary.comparisons) {
    const diff = [1, 2].map((seed) => {
      const run = (m: string) =>
        summary.runs.find((r: { method: string; seed: number }) => r.method === m && r.seed === seed);
      return run(c.method).meanIoU - run('crossentropy').meanIoU;
    });
    assert.ok(Math.abs(c.meanDifference - (diff[0] + diff[1]) / 2) < 1e-12);
  }
  const gap = summary.groups.find((g: { method: string }) => g.method === 'crossentropy').gapToOracle.values;
  const miou = (m: string, seed: number) =>
    summary.runs.find((r: { method: string; seed: number }) => r.method === m && r.seed === seed).meanIoU;
  assert.ok(Math.abs(gap[0] - (miou('oracle', 1) - miou('crossentropy', 1))) < 1e-12);
  assert.match(summary.environment.datasetHash, /^[0-9a-f]{64}$/);
  const html = readFileSync(join(study, 'report.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/i);
  assert.ok(!/<script|https?:/i.test(html), 'the report is self-contained');
  assert.equal(summary.environment.tfjsVersion, '4.22.0');
  // Another study into the same folder is refused.
  const other = await runCli(...flags.map((f) => (f === '0.5' ? '0.6' : f)));
  assert.equal(other.code, 1);
  assert.match(other.err, /holds another experiment/);
});

// The training recipe end to end on tiny synthetic runs: the final checkpoint holds re-estimated
// batch-norm statistics, the best checkpoint is the best validation, weight averaging resumes exactly,
// and `eval --checkpoint best|latest` reads the one asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, tinyTrainArgs } from './helpers/cli.js';
import { setupBackend } from '../src/backend/setup.js';
import { loadRun } from '../src/train/model-io.js';
import { openSources } from '../src/train/source.js';
import { recomputeBatchNorm, statsBatches } from '../src/train/batch-norm-stats.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'segloss-recipe-'));
const bin = (dir: string, step: number, file: string) =>
  readFileSync(join(dir, 'checkpoints', `step-${String(step).padStart(6, '0')}`, file));

test('train: the final model carries statistics re-estimated on its own weights (bn-batches)', async () => {
  await setupBackend('wasm');
  const dir = join(tmp(), 'run');
  const r = await runCli(...tinyTrainArgs(dir, { steps: 8 }), '--bn-batches', '2');
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out);
  assert.ok(summary.batchNormSeconds > 0);
  const run = loadRun(dir);
  const stats = () => run.model.nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
  const saved = stats();
  // Re-estimating again on the same batches changes nothing (momentum averages would differ).
  const source = openSources(run.config.data).train.source;
  await recomputeBatchNorm(
    run.model,
    source,
    statsBatches(source.n, 2, run.config.batchSize, run.config.seed + 2),
  );
  const again = stats();
  saved.forEach((s, i) =>
    s.forEach((v, j) => assert.ok(Math.abs(v - again[i][j]) <= 1e-5 * (1 + Math.abs(v)))),
  );
  run.model.dispose();
  // Switched off, the statistics are the momentum averages of training: re-estimation moves them.
  const off = join(tmp(), 'off');
  assert.equal((await runCli(...tinyTrainArgs(off, { steps: 8 }), '--bn-batches', '0')).code, 0);
  const plain = loadRun(off);
  const before = plain.model.nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
  await recomputeBatchNorm(plain.model, source, statsBatches(source.n, 2, plain.config.batchSize, 7));
  const after = plain.model.nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
  const moved = before.some((s, i) => s.some((v, j) => Math.abs(v - after[i][j]) > 1e-3 * (1 + Math.abs(v))));
  assert.ok(moved, 'momentum statistics equal re-estimated ones: the test cannot tell them apart');
  plain.model.dispose();
});

test('train: best checkpoint = best validation mean IoU; eval --checkpoint best|latest', async () => {
  const dir = join(tmp(), 'run');
  const r = await runCli(...tinyTrainArgs(dir, { steps: 12, checkpointEvery: 4 }), '--validate-every', '2');
  assert.equal(r.code, 0, r.err);
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  const vals = metrics.validation as { step: number; meanIoU: number }[];
  assert.equal(vals.length, 6);
  const top = vals.reduce((a, v) => (v.meanIoU > a.meanIoU ? v : a));
  const pointer = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8'));
  assert.deepEqual(pointer, {
    step: top.step,
    checkpoint: `checkpoints/best-${String(top.step).padStart(6, '0')}`,
  });
  assert.deepEqual(JSON.parse(r.out).best, { step: top.step, meanIoU: top.meanIoU });
  const data = join(tmp(), 'data');
  const synth = await runCli(
    'synth',
    '--out',
    data,
    '--n',
    '4',
    '--val-n',
    '4',
    '--test-n',
    '0',
    '--size',
    '16',
  );
  assert.equal(synth.code, 0, synth.err);
  for (const kind of ['best', 'latest'] as const) {
    const e = await runCli(
      'eval',
      '--model',
      dir,
      '--data',
      data,
      '--split',
      'val',
      '--checkpoint',
      kind,
      '--json',
    );
    assert.equal(e.code, 0, e.err);
    const j = JSON.parse(e.out);
    assert.equal(j.step, kind === 'best' ? top.step : 12);
    assert.equal(j.checkpoint, kind);
  }
  const bad = await runCli('eval', '--model', dir, '--data', data, '--checkpoint', 'first');
  assert.equal(bad.code, 1);
  assert.equal(bad.err, "segloss: segloss eval: --checkpoint is 'first'; expected latest or best");
});

test('train --ema: the averaged model is saved beside the weights and a resumed run ends identical', async () => {
  const a = join(tmp(), 'a');
  const args = (dir: string) => [...tinyTrainArgs(dir, { steps: 12, checkpointEvery: 4 }), '--ema', '0.9'];
  const r = await runCli(...args(a));
  assert.equal(r.code, 0, r.err);
  const config = JSON.parse(readFileSync(join(a, 'config.json'), 'utf8'));
  assert.deepEqual(config.recipe, {
    lrSchedule: { name: 'cosine', warmupSteps: 0, power: 0.9 },
    batchNormBatches: 16,
    ema: 0.9,
  });
  // The average differs from the trained weights, and eval loads it.
  assert.ok(!bin(a, 12, 'ema.bin').equals(bin(a, 12, 'weights.bin')));
  const b = join(tmp(), 'b');
  cpSync(a, b, { recursive: true });
  rmSync(join(b, 'checkpoints', 'step-000012'), { recursive: true });
  writeFileSync(join(b, 'latest.json'), JSON.stringify({ step: 8, checkpoint: 'checkpoints/step-000008' }));
  const resumed = await runCli(...args(b), '--resume');
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(JSON.parse(resumed.out).resumedFrom, 8);
  for (const f of ['weights.bin', 'ema.bin', 'm.bin']) assert.ok(bin(a, 12, f).equals(bin(b, 12, f)), f);
  const bad = await runCli(...tinyTrainArgs(join(tmp(), 'x')), '--ema', '1');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--ema/);
  const sched = await runCli(...tinyTrainArgs(join(tmp(), 'y')), '--lr-schedule', 'step');
  assert.equal(sched.err, "segloss: segloss train: --lr-schedule is 'step'; expected cosine, poly, constant");
});

// Integration: `segloss train` on tiny synthetic data (16x16, depth 2, 4 filters): outputs, determinism,
// resume to the same weights, and the errors that protect a run folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { runCli, tinyTrainArgs } from './helpers/cli.js';

const run = runCli;

const tmp = () => mkdtempSync(join(tmpdir(), 'segloss-train-'));
const finalWeights = (dir: string, step: number) =>
  readFileSync(join(dir, 'checkpoints', `step-${String(step).padStart(6, '0')}`, 'weights.bin'));

test('train: writes config, checkpoints, metrics.json and curves; loss falls; validation per class', async () => {
  const dir = join(tmp(), 'run');
  const r = await run(...tinyTrainArgs(dir));
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.steps, 12);
  assert.equal(j.backend, 'wasm');
  assert.equal(j.validation.perClassIoU.length, 4);
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics.steps, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.equal(metrics.trainLoss.length, 12);
  assert.ok(metrics.trainLoss.every(Number.isFinite));
  // Softmax over 4 classes starts near ln 4 = 1.39 (background terms of unannotated classes vanish).
  assert.ok(metrics.trainLoss[0] > 0.5, `first loss ${metrics.trainLoss[0]}`);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(
    mean(metrics.trainLoss.slice(-3)) < 0.9 * mean(metrics.trainLoss.slice(0, 3)),
    metrics.trainLoss.join(),
  );
  assert.deepEqual(
    metrics.validation.map((v: { step: number }) => v.step),
    [4, 8, 12],
  );
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')), {
    step: 12,
    checkpoint: 'checkpoints/step-000012',
  });
  // Two newest checkpoints kept.
  assert.ok(
    existsSync(join(dir, 'checkpoints', 'step-000008')) &&
      !existsSync(join(dir, 'checkpoints', 'step-000004')),
  );
  assert.deepEqual([...readFileSync(join(dir, 'training-curves.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.match(readFileSync(join(dir, 'training-curves.svg'), 'utf8'), /^<svg/);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(config.model.depth, 2);
  assert.equal(config.loss.name, 'missing-aware-crossentropy');
});

test('train: same seed twice → identical weights; resume from an earlier checkpoint → identical weights and metrics', async () => {
  const a = join(tmp(), 'a');
  const b = join(tmp(), 'b');
  assert.equal((await run(...tinyTrainArgs(a))).code, 0);
  const tensors = tf.memory().numTensors;
  assert.equal((await run(...tinyTrainArgs(b))).code, 0);
  assert.equal(tf.memory().numTensors, tensors, 'a training run leaks tensors');
  assert.ok(finalWeights(a, 12).equals(finalWeights(b, 12)), 'two runs with one seed differ');
  // Roll b back to its step-8 checkpoint, as if killed between steps 8 and 12, then resume.
  rmSync(join(b, 'checkpoints', 'step-000012'), { recursive: true });
  writeFileSync(join(b, 'latest.json'), JSON.stringify({ step: 8, checkpoint: 'checkpoints/step-000008' }));
  const r = await run(...tinyTrainArgs(b), '--resume');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).resumedFrom, 8);
  assert.ok(
    finalWeights(a, 12).equals(finalWeights(b, 12)),
    'resumed weights differ from the uninterrupted run',
  );
  assert.deepEqual(
    JSON.parse(readFileSync(join(b, 'metrics.json'), 'utf8')),
    JSON.parse(readFileSync(join(a, 'metrics.json'), 'utf8')),
  );
  // A cosine schedule depends on the run length: extending the run is refused, nothing written.
  const longer = await run('train', '--out', b, '--resume', '--steps', '16', '--backend', 'wasm', '--json');
  assert.equal(longer.code, 1);
  assert.match(longer.err, /another configuration: steps \(12 vs 16\)/);
  assert.ok(!existsSync(join(b, 'checkpoints', 'step-000016')));
});

test('train --lr-schedule constant: only --out and --resume use the saved config; the run extends', async () => {
  const dir = join(tmp(), 'flat');
  const args = [...tinyTrainArgs(dir, { steps: 4 }), '--lr-schedule', 'constant'];
  assert.equal((await run(...args)).code, 0);
  const more = await run('train', '--out', dir, '--resume', '--steps', '8', '--backend', 'wasm', '--json');
  assert.equal(more.code, 0, more.err);
  assert.equal(JSON.parse(more.out).steps, 8);
  assert.equal(JSON.parse(more.out).resumedFrom, 4);
});

test('train: an existing run folder is not overwritten without --resume', async () => {
  const dir = join(tmp(), 'run');
  assert.equal((await run(...tinyTrainArgs(dir, { steps: 4 }))).code, 0);
  const before = readFileSync(join(dir, 'config.json'), 'utf8');
  const mtime = statSync(join(dir, 'latest.json')).mtimeMs;
  const r = await run(...tinyTrainArgs(dir, { steps: 4 }));
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /^segloss: train: .* already holds a run; pass --resume to continue it, or choose another --out$/,
  );
  assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), before);
  assert.equal(statSync(join(dir, 'latest.json')).mtimeMs, mtime);
});

test('train --resume: another loss, model or data config is refused, nothing written', async () => {
  const dir = join(tmp(), 'run');
  assert.equal((await run(...tinyTrainArgs(dir, { steps: 4 }))).code, 0);
  const before = readFileSync(join(dir, 'latest.json'), 'utf8');
  const cases: [string[], RegExp][] = [
    [
      ['--loss', 'crossentropy'],
      /another configuration: loss\.name \("missing-aware-crossentropy" vs "crossentropy"\)/,
    ],
    [['--filters', '8'], /another configuration: model\.baseFilters \(4 vs 8\)/],
    [['--lr', '0.02'], /another configuration: learningRate \(0\.01 vs 0\.02\)/],
    [['--options', '{"epsilon":0.001}'], /another configuration: loss\.options/],
  ];
  for (const [extra, message] of cases) {
    const args = tinyTrainArgs(dir, { steps: 8 });
    for (let i = 0; i < extra.length; i += 2) {
      const k = args.indexOf(extra[i]);
      if (k >= 0) args.splice(k, 2);
      args.push(extra[i], extra[i + 1]);
    }
    const r = await run(...args, '--resume');
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, message);
  }
  assert.equal(readFileSync(join(dir, 'latest.json'), 'utf8'), before);
  assert.ok(!existsSync(join(dir, 'checkpoints', 'step-000008')));
});

test('train --resume: a cut-short checkpoint is refused with a clear error', async () => {
  const dir = join(tmp(), 'run');
  const flat = ['--lr-schedule', 'constant']; // a run that may be extended
  assert.equal((await run(...tinyTrainArgs(dir, { steps: 4 }), ...flat)).code, 0);
  const bin = join(dir, 'checkpoints', 'step-000004', 'weights.bin');
  const bytes = readFileSync(bin);
  writeFileSync(bin, bytes.subarray(0, 100));
  const r = await run(...tinyTrainArgs(dir, { steps: 8 }), ...flat, '--resume');
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    new RegExp(`weights\\.bin has 100 bytes; expected ${bytes.length} \\(cut short or corrupt\\)`),
  );
  assert.ok(!existsSync(join(dir, 'checkpoints', 'step-000008')));
});

test('train: flag errors are one line', async () => {
  const dir = join(tmp(), 'run');
  const both = await run(...tinyTrainArgs(dir), '--epochs', '2');
  assert.equal(both.code, 1);
  assert.equal(both.err, 'segloss: segloss train: give --steps or --epochs, not both');
  const unknown = await run(
    ...tinyTrainArgs(dir).map((a) => (a === 'missing-aware-crossentropy' ? 'nope' : a)),
  );
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /^segloss: getLoss: unknown loss 'nope'; valid losses are /);
  const badOpt = await run(...tinyTrainArgs(dir), '--options', '{"gamma":2}');
  assert.equal(badOpt.code, 1);
  assert.match(badOpt.err, /unknown option 'gamma'/);
  const reduction = await run(...tinyTrainArgs(dir), '--options', '{"reduction":"none"}');
  assert.match(reduction.err, /reduction is 'none'; expected 'mean' or 'sum'/);
  assert.ok(!existsSync(dir), 'a failed start must not create the run folder');
});

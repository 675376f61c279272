// Data-parallel training (src/train/parallel/): `workers: 2` ends at the weights of `workers: 1` (batch
// norm off) up to float summation order, for a pixel-mean loss with an annotated mask, a class-weighted
// mean and Dice pooled over the batch (both step paths); one step's combined gradient is the whole
// batch's; checkpoints resume across worker counts; a worker that throws
// or exits ends the run with a one-line error and leaves the last complete checkpoint as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { runCli, tinyTrainArgs } from './helpers/cli.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '../src/backend/setup.js';
import { SCENE_CLASSES } from '../src/synth/scenes.js';
import { latestCheckpointDir, readCheckpoint } from '../src/train/checkpoint.js';
import { LEGACY_RECIPE, type RunConfig } from '../src/train/config.js';
import { train } from '../src/train/loop.js';
import * as tf from '@tensorflow/tfjs';
import type { Adam } from '../src/train/adam.js';
import { batchTargets } from '../src/train/batch-loss.js';
import { modelOf } from '../src/train/model-io.js';
import { openSources } from '../src/train/source.js';
import { loadBatch } from '../src/data/batch-stream.js';
import { Random } from '../src/synth/random.js';
import { shardBatch, startWorkerExecutor, usesInWorkerLoss } from '../src/train/parallel/worker-executor.js';
import type { TrainBatch } from '../src/data/batch.js';
import type { InjectedFault } from '../src/train/parallel/protocol.js';
import { spawnStepThread } from '../src/train/parallel/spawn-thread.js';

/**
 * Largest |w2 − w1| over all weights allowed between a 2-worker and a 1-worker run. With batch norm
 * off the two runs differ only in the order of float additions (per-shard sums of the filter and bias
 * gradients, then their sum): about 1e-7 relative per gradient, which Adam (lr 0.01, 6 steps) turns
 * into weight differences of at most 1e-6 (measured: 4.5e-8, 9.8e-7 and 2.1e-7 for the three losses
 * below, with weights of order 0.1 to 1). Adam is invariant to a constant gradient scale, so the
 * gradient itself is also compared, below.
 */
const TOLERANCE = 1e-5;

function config(overrides: Partial<RunConfig> = {}, batchNorm = false): RunConfig {
  return {
    format: 'segloss-run',
    version: 2,
    model: {
      inputShape: [16, 16, 1],
      numClasses: 4,
      depth: 2,
      baseFilters: 4,
      batchNorm,
      dropout: 0,
      decoder: 'upsample',
      output: 'softmax',
    },
    loss: { name: 'missing-aware-crossentropy', options: {} },
    data: {
      kind: 'synthetic',
      n: 12,
      valN: 4,
      size: 16,
      numClasses: 4,
      missingRate: 0.3,
      absentRate: 0.2,
      seed: 5,
    },
    classNames: SCENE_CLASSES.slice(0, 4),
    augment: { crop: null, scale: null, flip: false },
    normalize: null,
    batchSize: 5,
    learningRate: 0.01,
    recipe: LEGACY_RECIPE,
    seed: 5,
    steps: 6,
    checkpointEvery: 2,
    validateEvery: 6,
    ...overrides,
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'segloss-workers-'));

/** The newest checkpoint's weights of a run folder, by name. */
function weightsOf(runDir: string): Map<string, Float32Array> {
  const dir = latestCheckpointDir(runDir);
  assert.ok(dir !== null, `${runDir} has a checkpoint`);
  return new Map(readCheckpoint(dir).weights.map((w) => [w.name, w.data]));
}

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  let max = 0;
  for (const [name, x] of a) {
    const y = b.get(name) as Float32Array;
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  }
  return max;
}

test('shards: contiguous, sizes differ by at most one, larger ones first', () => {
  assert.deepEqual(shardBatch(5, 2), [
    { start: 0, count: 3 },
    { start: 3, count: 2 },
  ]);
  assert.deepEqual(
    shardBatch(16, 3).map((s) => s.count),
    [6, 5, 5],
  );
});

for (const [name, options] of [
  ['missing-aware-crossentropy', {}],
  ['crossentropy', { classWeights: [0.5, 1, 2, 4] }],
  ['dice', { batch: true }],
] as const) {
  test(`workers 2 and 1 end at the same weights (batch norm off): ${name} ${JSON.stringify(options)}`, async () => {
    await setupBackend('wasm');
    const base = tmp();
    const c = config({ loss: { name, options } });
    const one = await train({ config: c, runDir: join(base, '1'), workers: 1 });
    const two = await train({ config: c, runDir: join(base, '2'), workers: 2 });
    const diff = maxDifference(weightsOf(join(base, '1')), weightsOf(join(base, '2')));
    assert.ok(diff <= TOLERANCE, `max |w2 - w1| = ${diff}`);
    assert.ok(diff > 0 || name !== 'dice', 'the runs are not the same code path');
    for (let i = 0; i < one.history.loss.length; i++) {
      const [l1, l2] = [one.history.loss[i], two.history.loss[i]];
      assert.ok(
        Math.abs(l1 - l2) <= 1e-5 * Math.max(1, Math.abs(l1)),
        `loss at step ${i + 1}: ${l1} vs ${l2}`,
      );
    }
  });
}

/** Ignores every fifth pixel of a batch (zero targets there, as makeBatch writes them). */
function withIgnoredPixels(batch: TrainBatch): TrainBatch {
  const [b, h, w, c] = batch.y.shape;
  const y = Float32Array.from(batch.y.data);
  const ignore = new Float32Array(b * h * w);
  for (let i = 0; i < ignore.length; i += 5) {
    ignore[i] = 1;
    y.fill(0, i * c, (i + 1) * c);
  }
  return { ...batch, y: { data: y, shape: batch.y.shape }, ignore: { data: ignore, shape: [b, h, w] } };
}

// Path 2 (the loss on the coordinator) for Dice pooled over the batch; path 1 (the loss in the
// workers, shard sums over the summed denominators) for the per-pixel losses, with ignored pixels,
// class weights, inferred annotated masks, shards of unequal size and the 'sum' reduction.
for (const [name, options, workers, ignore, inWorkers] of [
  ['dice', { batch: true }, 2, false, false],
  ['dice', { batch: true }, 3, false, false],
  ['crossentropy', { classWeights: [0.5, 1, 2, 4] }, 2, true, true],
  ['focal', { gamma: 2, annotated: 'infer', useSoftmax: true }, 3, true, true],
  ['marginal-crossentropy', { reduction: 'sum' }, 2, false, true],
] as const) {
  test(`the ${workers} workers' combined shard gradients are the whole batch's gradient: ${name} ${JSON.stringify(options)}${ignore ? ', ignored pixels' : ''}`, async () => {
    await setupBackend('wasm');
    const c = config({ loss: { name, options } });
    assert.equal(usesInWorkerLoss(c), inWorkers);
    const model = modelOf(c);
    const loaded = await loadBatch(
      openSources(c.data).train.source,
      [0, 1, 2, 3, 4],
      null,
      null,
      new Random(0),
    );
    const batch = ignore ? withIgnoredPixels(loaded) : loaded;
    const got = new Map<string, Float32Array>();
    const recorder = {
      iteration: 0,
      applyArrays(updates: Map<string, { grad: Float32Array }>) {
        for (const [k, u] of updates) got.set(k, Float32Array.from(u.grad));
      },
    } as unknown as Adam;
    const executor = await startWorkerExecutor({
      model,
      adam: recorder,
      config: c,
      workers,
      spawn: spawnStepThread,
    });
    const loss = await executor.step(batch, c.learningRate);
    await executor.close();
    const x = tf.tensor(batch.x.data, [...batch.x.shape]);
    const t = batchTargets(c, batch);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => t.loss.tensor(t.y, model.apply(x, { training: true }) as tf.Tensor, t.options) as tf.Scalar,
      vars,
    );
    const whole = value.dataSync()[0];
    // float32 sums of 1280 pixel terms in another order: about sqrt(1280) * 6e-8 = 2e-6 relative.
    assert.ok(Math.abs(whole - loss) <= 1e-5 * Math.max(1, Math.abs(whole)), `loss ${loss} vs ${whole}`);
    model.trainableWeights.forEach((w, i) => {
      const want = grads[vars[i].name].dataSync();
      const have = got.get(w.originalName) as Float32Array;
      const scale = Math.max(...Array.from(want, Math.abs));
      for (let j = 0; j < want.length; j++) {
        assert.ok(
          Math.abs(have[j] - want[j]) <= 1e-5 * scale + 1e-9,
          `${w.originalName}[${j}]: ${have[j]} vs ${want[j]}`,
        );
      }
    });
    tf.dispose([x, value, ...Object.values(grads), ...t.tensors]);
    model.dispose();
  });
}

test('a checkpoint written with 2 workers resumes with 1, and vice versa', async () => {
  await setupBackend('wasm');
  const base = tmp();
  const c = config();
  await train({ config: c, runDir: join(base, 'straight'), workers: 1 });
  const straight = weightsOf(join(base, 'straight'));
  for (const [first, then] of [
    [2, 1],
    [1, 2],
  ]) {
    const dir = join(base, `${first}-${then}`);
    await train({ config: { ...c, steps: 4 }, runDir: dir, workers: first });
    const resumed = await train({ config: c, runDir: dir, resume: true, workers: then });
    assert.equal(resumed.resumedFrom, 4);
    const diff = maxDifference(weightsOf(dir), straight);
    assert.ok(diff <= TOLERANCE, `${first} then ${then} workers: max |w - w_straight| = ${diff}`);
  }
});

for (const kind of ['throw', 'exit'] as const) {
  test(`a worker that ${kind === 'throw' ? 'throws' : 'exits'} ends the run with a clear error; the last checkpoint stays whole`, async () => {
    await setupBackend('wasm');
    const dir = join(tmp(), 'run');
    const fault: InjectedFault = { worker: 1, step: 3, kind };
    const message =
      kind === 'throw'
        ? /segloss: train: step 3: worker 1 failed at step 3: injected fault at step 3; the run stops/
        : /segloss: train: step 3: worker 1 exited \(code 3\) during the run; the run stops/;
    await assert.rejects(
      train({
        config: config(),
        runDir: dir,
        executor: (parts) => startWorkerExecutor({ ...parts, workers: 2, fault, spawn: spawnStepThread }),
      }),
      message,
    );
    const latest = latestCheckpointDir(dir);
    assert.equal(latest, join(dir, 'checkpoints', 'step-000002'));
    assert.equal(readCheckpoint(latest).meta.step, 2);
    assert.deepEqual(readdirSync(join(dir, 'checkpoints')), ['step-000002']);
  });
}

test('batch norm, 2 workers: the first layer moving mean is the whole batch one (per-shard statistics)', async () => {
  await setupBackend('wasm');
  const base = tmp();
  const c = config({ steps: 1, checkpointEvery: 1, validateEvery: 1 }, true);
  await train({ config: c, runDir: join(base, '1'), workers: 1 });
  await train({ config: c, runDir: join(base, '2'), workers: 2 });
  const [one, two] = [weightsOf(join(base, '1')), weightsOf(join(base, '2'))];
  const first = [...one.keys()].find((k) => k.endsWith('moving_mean')) as string;
  const second = [...one.keys()].filter((k) => k.endsWith('moving_mean'))[1];
  const diff = (k: string) => maxDifference(new Map([[k, one.get(k)!]]), new Map([[k, two.get(k)!]]));
  // The update m' = m·momentum + (1 − momentum)·mean is linear: shard means weighted by shard size
  // give the batch mean. Later layers see activations normalised per shard, so theirs differ.
  assert.ok(diff(first) <= 1e-6, `first moving mean differs by ${diff(first)}`);
  assert.ok(diff(second) > 1e-6, `second moving mean should differ (per-shard statistics): ${diff(second)}`);
});

test('segloss train --workers: more workers than images is a one-line error, before anything is written', async () => {
  const out = join(tmp(), 'run');
  const r = await runCli(...tinyTrainArgs(out, { extra: ['--workers', '5'] }));
  assert.equal(r.code, 1);
  assert.equal(
    r.err,
    'segloss: segloss train: --workers is 5; expected at most --batch (4): each worker takes at least one image',
  );
  assert.equal(existsSync(out), false);
});

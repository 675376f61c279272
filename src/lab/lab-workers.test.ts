// The lab's trainer on step workers (in Node, worker threads through spawnStepThread; the browser test
// does the same with Web Workers): the losses of 1 worker up to float summation order with batch norm
// off, a failing step worker's one-line error, and bad worker settings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../backend/setup.js';
import { spawnStepThread } from '../train/parallel/spawn-thread.js';
import type { FromWorker, SpawnStepWorker } from '../train/parallel/protocol.js';
import { LabTrainer } from './train-session.js';
import { labDefaultWorkers, labTrainSettings, LAB_MIN_SHARD_WORK } from './train-settings.js';

await setupBackend('wasm');

const small = { losses: ['crossentropy', 'dice'], seed: 2, trainN: 24, size: 16, baseFilters: 4 };

test('LabTrainer: 2 step workers give the losses of 1 (batch norm off), tensors stay flat', async () => {
  const one = new LabTrainer({ ...small, batchNorm: false });
  const two = new LabTrainer({ ...small, batchNorm: false, workers: 2 }, { spawn: spawnStepThread });
  await two.start();
  let worst = 0;
  const counts: number[] = [];
  for (let i = 0; i < 8; i++) {
    const [a, b] = [await one.step(), await two.step()];
    a.forEach((l1, k) => (worst = Math.max(worst, Math.abs(b[k] - l1) / Math.abs(l1))));
    counts.push(tf.memory().numTensors);
  }
  // Per-pixel cross-entropy (shard sums in the workers) and Dice (loss on the coordinator): only the
  // order of float additions differs, about 1e-7 relative per step.
  assert.ok(worst <= 1e-4 && worst > 0, `max relative |loss2 - loss1| = ${worst}`);
  assert.equal(new Set(counts.slice(1)).size, 1, `numTensors ${counts}`);
  assert.equal(one.validate().meanIoU.length, 2);
  await Promise.all([one.dispose(), two.dispose()]);
  await assert.rejects(two.step(), /segloss: LabTrainer: the trainer is disposed/);
});

test('LabTrainer: a step worker that fails rejects the step with one line naming the worker', async () => {
  // A step worker that starts and then answers every step with an error.
  const failing: SpawnStepWorker = (init, events) => {
    queueMicrotask(() => events.message({ type: 'ready' }));
    return {
      post: (m) => {
        if (m.type !== 'step') return;
        const answer: FromWorker = { type: 'error', step: m.step, message: 'out of memory' };
        queueMicrotask(() => events.message(init.index === 1 ? answer : { type: 'done', step: m.step }));
      },
      terminate: async () => {},
    };
  };
  const t = new LabTrainer({ ...small, losses: ['crossentropy'], workers: 2 }, { spawn: failing });
  await assert.rejects(
    t.step(),
    /^SeglossError: segloss: LabTrainer: step 1: worker 1 failed at step 1: out of memory; the run stops and the model keeps its last weights$/,
  );
  await t.dispose();
});

test('LabTrainer: bad worker settings are one-line errors', () => {
  assert.throws(
    () => new LabTrainer({ ...small, workers: 2 }),
    /segloss: LabTrainer: workers is 2; more than 1 needs platform.spawn to start the step workers/,
  );
  assert.throws(
    () => new LabTrainer({ ...small, batchSize: 4, workers: 5 }),
    /segloss: LabTrainer: workers is 5; expected an integer from 1 to the batch size \(4\)/,
  );
  assert.throws(
    () => new LabTrainer({ ...small, batchNorm: 'no' as unknown as boolean }),
    /segloss: LabTrainer: batchNorm is no; expected true or false/,
  );
});

test('labDefaultWorkers: shards of at least 2^20 (batch · size² · filters²), up to cores, batch and 4', () => {
  const iso = (cores: number) => ({ cores, isolated: true });
  const at = (o: Parameters<typeof labTrainSettings>[0]) => labTrainSettings(o);
  assert.equal(LAB_MIN_SHARD_WORK, 1048576);
  // Defaults: 8 · 32² · 8² = 2^19, half a shard: 1 worker on any machine.
  assert.equal(labDefaultWorkers(at({}), iso(16)), 1);
  // 8 · 32² · 16² = 2^21: two shards of 2^20.
  assert.equal(labDefaultWorkers(at({ baseFilters: 16 }), iso(16)), 2);
  // 16 · 64² · 16² = 2^24: 16 shards' worth, capped by the cores, then by 4.
  const big = at({ size: 64, batchSize: 16, baseFilters: 16 });
  assert.deepEqual(
    [1, 2, 3, 8].map((c) => labDefaultWorkers(big, iso(c))),
    [1, 2, 3, 4],
  );
  // Capped by the batch: 2 images of 128x128 at 64 filters.
  assert.equal(labDefaultWorkers(at({ size: 128, batchSize: 2, baseFilters: 64 }), iso(8)), 2);
  // No shared memory, or an unknown core count.
  assert.equal(labDefaultWorkers(big, { cores: 8, isolated: false }), 1);
  assert.equal(labDefaultWorkers(big, { cores: Number.NaN, isolated: true }), 1);
});

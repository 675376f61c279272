// The training recipe: learning-rate schedules (hand values), the weight average (hand values),
// batch-norm re-estimation (exact averages of per-batch moments, no weight change), and the config
// rules that keep a scheduled run resumable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FastBatchNormalization } from '../model/fast-batch-norm.js';
import { checkLrSchedule, learningRateAt, type LrSchedule } from './schedule.js';
import { emaDecayAt, WeightAverage } from './weight-average.js';
import { recomputeBatchNorm, statsBatches } from './batch-norm-stats.js';
import { arraySource } from '../data/item-source.js';
import {
  configDifferences,
  DEFAULT_RECIPE,
  LEGACY_RECIPE,
  upgradeRunConfig,
  type RunConfig,
} from './config.js';

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('learningRateAt: cosine, poly and constant with and without warm-up (hand values)', () => {
  const cos: LrSchedule = { name: 'cosine', warmupSteps: 0, power: 0.9 };
  close(learningRateAt(cos, 0.002, 1, 300), 0.002); // k = 0
  close(learningRateAt(cos, 0.002, 151, 300), 0.001); // k = 150 = K/2: cos(pi/2) = 0
  // last step: k = 299, (1 + cos(299 pi / 300)) / 2 = sin^2(pi / 600)
  close(learningRateAt(cos, 0.002, 300, 300), 0.002 * Math.sin(Math.PI / 600) ** 2);
  const poly: LrSchedule = { name: 'poly', warmupSteps: 0, power: 0.9 };
  close(learningRateAt(poly, 0.01, 1, 1000), 0.01);
  close(learningRateAt(poly, 0.01, 501, 1000), 0.01 * 0.5 ** 0.9); // 0.005358867...
  close(learningRateAt(poly, 0.01, 501, 1000), 0.005358867312681466);
  const warm: LrSchedule = { name: 'cosine', warmupSteps: 10, power: 0.9 };
  close(learningRateAt(warm, 0.002, 5, 110), 0.001); // 5 / 10 of the peak
  close(learningRateAt(warm, 0.002, 10, 110), 0.002);
  close(learningRateAt(warm, 0.002, 11, 110), 0.002); // k = 0 after the warm-up
  close(learningRateAt(warm, 0.002, 61, 110), 0.001); // k = 50 = K/2
  const flat: LrSchedule = { name: 'constant', warmupSteps: 4, power: 0.9 };
  close(learningRateAt(flat, 0.1, 2, 20), 0.05);
  close(learningRateAt(flat, 0.1, 20, 20), 0.1);
});

test('checkLrSchedule: refuses unknown names, warm-up as long as the run, non-positive powers', () => {
  const ok: LrSchedule = { name: 'poly', warmupSteps: 2, power: 0.9 };
  checkLrSchedule('train', ok, 3);
  assert.throws(() => checkLrSchedule('train', { ...ok, warmupSteps: 3 }, 3), /warmupSteps is 3; expected/);
  assert.throws(
    () => checkLrSchedule('train', { ...ok, name: 'step' as LrSchedule['name'] }, 3),
    /lrSchedule.name is 'step'; expected one of cosine, poly, constant/,
  );
  assert.throws(() => checkLrSchedule('train', { ...ok, power: 0 }, 3), /power is 0/);
});

test('emaDecayAt and WeightAverage: d_t = min(decay, (1+t)/(10+t)); ema = d ema + (1-d) w', () => {
  close(emaDecayAt(0.999, 1), 2 / 11);
  close(emaDecayAt(0.999, 100), 101 / 110);
  close(emaDecayAt(0.9, 100), 0.9);
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros', useBias: true })],
  });
  const ema = new WeightAverage(model, 0.5);
  const [kernel, bias] = model.trainableWeights;
  kernel.write(tf.tensor2d([[2], [4]]));
  bias.write(tf.tensor1d([8]));
  ema.update(1000); // d = 0.5: ema = 0.5 * 0 + 0.5 * w
  kernel.write(tf.tensor2d([[0], [0]]));
  bias.write(tf.tensor1d([0]));
  ema.update(1000); // ema = 0.5 * (0.5 w) + 0
  const other = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], useBias: true })] });
  // Same architecture, another instance: names differ, so copy by originalName needs equal names.
  const byName = new Map(ema.state().map((a) => [a.name, Array.from(a.data)]));
  assert.deepEqual(byName.get(kernel.originalName), [0.5, 1]);
  assert.deepEqual(byName.get(bias.originalName), [2]);
  assert.throws(() => ema.copyTo(other), /target has weight .* not averaged/);
  ema.copyTo(model);
  assert.deepEqual(Array.from(kernel.read().dataSync()), [0.5, 1]);
  ema.dispose();
  assert.throws(() => new WeightAverage(model, 1), /decay is 1; expected a number in \(0, 1\)/);
});

/** A model whose first layer is batch norm, so its statistics are the input's (hand-computable). */
function bnModel(layer: tf.layers.Layer): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 2] });
  return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
}

for (const kind of ['stock', 'fast'] as const) {
  test(`recomputeBatchNorm (${kind} layer): statistics = mean over batches of per-batch moments`, async () => {
    const args = { momentum: 0.9, epsilon: 1e-3 };
    const layer = kind === 'fast' ? new FastBatchNormalization(args) : tf.layers.batchNormalization(args);
    const model = bnModel(layer);
    // 4 images of 2x2x2: image i, channel c holds the values v(i, c) + [0, 1, 2, 3].
    const n = 4;
    const images = new Float32Array(n * 8);
    const base = [
      [0, 10],
      [4, 20],
      [8, 30],
      [12, 50],
    ];
    for (let i = 0; i < n; i++)
      for (let p = 0; p < 4; p++) for (let c = 0; c < 2; c++) images[i * 8 + p * 2 + c] = base[i][c] + p;
    const source = arraySource(
      {
        images: { data: images, shape: [n, 2, 2, 2] },
        labels: { data: new Uint8Array(n * 4), shape: [n, 2, 2] },
        annotated: { data: new Float32Array(n * 2).fill(1), shape: [n, 2] },
      },
      ['background', 'thing'],
    );
    const gammaBefore = Array.from(model.trainableWeights[0].read().dataSync());
    const batches = [
      [0, 1],
      [2, 3],
    ];
    assert.equal(await recomputeBatchNorm(model, source, batches), 2);
    // Batch {0,1}, channel 0: values {0..3, 4..7}: mean 3.5, biased var = 5.25; batch {2,3}: mean 11.5,
    // var 5.25. Channel 1: {10..13, 20..23}: mean 16.5, var 26.25; {30..33, 50..53}: mean 41.5, var 101.25.
    const [mean, variance] = [model.getWeights()[2], model.getWeights()[3]].map((t) =>
      Array.from(t.dataSync()),
    );
    mean.forEach((v, c) => close(v, [7.5, 29][c], 1e-6));
    variance.forEach((v, c) => close(v, [5.25, 63.75][c], 1e-6));
    assert.equal((layer as unknown as { momentum: number }).momentum, 0.9, 'momentum restored');
    assert.deepEqual(Array.from(model.trainableWeights[0].read().dataSync()), gammaBefore);
    // Idempotent: depends only on the weights, not on the statistics before.
    await recomputeBatchNorm(model, source, batches);
    close(model.getWeights()[2].dataSync()[0], 7.5, 1e-6);
    model.dispose();
  });
}

test('statsBatches: the first batches of one fixed shuffle, all items when the split is small', () => {
  const a = statsBatches(10, 2, 3, 7);
  assert.deepEqual(a, statsBatches(10, 2, 3, 7));
  assert.deepEqual(
    a.map((b) => b.length),
    [3, 3],
  );
  assert.equal(new Set(a.flat()).size, 6);
  const all = statsBatches(5, 4, 2, 7);
  assert.deepEqual(
    all.map((b) => b.length),
    [2, 2, 1],
  );
  assert.deepEqual([...all.flat()].sort(), [0, 1, 2, 3, 4]);
});

test('config: a scheduled run cannot change its length on resume; version-1 configs get the legacy recipe', () => {
  const base = { steps: 100, checkpointEvery: 10, recipe: DEFAULT_RECIPE } as unknown as RunConfig;
  assert.deepEqual(configDifferences(base, { ...base, checkpointEvery: 5 }), []);
  assert.deepEqual(configDifferences(base, { ...base, steps: 200 }), ['steps (100 vs 200)']);
  const flat = { ...base, recipe: LEGACY_RECIPE };
  assert.deepEqual(configDifferences(flat, { ...flat, steps: 200 }), []);
  const old = { format: 'segloss-run', version: 1, steps: 5 } as unknown as RunConfig;
  assert.deepEqual(upgradeRunConfig(old).recipe, LEGACY_RECIPE);
  assert.equal(upgradeRunConfig(old).version, 2);
});

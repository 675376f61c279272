// runConfigFrom: one table of defaults (RUN_OPTIONS) behind the library, train's --help and experiment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConfigFrom } from './run-config.js';
import { RUN_OPTIONS, runOptionHelp } from './run-options.js';
import { runOptionFlags } from '../cli/train.js';

test('runConfigFrom: the table defaults, typed and string input alike, resume keeps saved values', () => {
  const c = runConfigFrom({ data: 'synthetic', loss: 'crossentropy' });
  assert.equal(c.steps, RUN_OPTIONS.steps.default);
  assert.equal(c.batchSize, 8);
  assert.equal(c.learningRate, 1e-3);
  assert.deepEqual(
    [c.model.depth, c.model.baseFilters, c.model.batchNorm, c.model.decoder],
    [3, 16, true, 'upsample'],
  );
  assert.deepEqual(c.recipe, {
    lrSchedule: { name: 'cosine', warmupSteps: 0, power: 0.9 },
    batchNormBatches: 16,
    ema: 0,
  });
  assert.deepEqual(c.augment, { crop: null, scale: null, flip: false }, 'no flip for the synthetic layout');
  assert.deepEqual(c.model.inputShape, [64, 64, 1]);
  assert.equal(c.validateEvery, 50);
  const s = runConfigFrom({
    data: 'synthetic',
    loss: 'crossentropy',
    steps: '30',
    crop: '32',
    scale: '0.5,2',
    normalize: '0.5:0.25',
  });
  assert.deepEqual(
    [s.steps, s.model.inputShape[0], s.augment.scale, s.normalize],
    [30, 32, [0.5, 2], { mean: [0.5], std: [0.25] }],
  );
  assert.deepEqual(runConfigFrom({ data: 'synthetic', loss: 'crossentropy', steps: 30 }).steps, 30);
  const resumed = runConfigFrom({ lr: '0.01' }, s);
  assert.deepEqual(
    [resumed.steps, resumed.learningRate, resumed.augment.crop, resumed.loss.name],
    [30, 0.01, 32, 'crossentropy'],
  );
  assert.throws(
    () => runConfigFrom({ data: 'synthetic', loss: 'crossentropy', depth: '0' }),
    /train: --depth is '0'; expected an integer in \[1, 8\]/,
  );
  assert.throws(
    () => runConfigFrom({ data: 'synthetic', loss: 'crossentropy', scale: '2,1' }),
    /--scale is '2,1'; expected 'lo,hi'/,
  );
  assert.throws(() => runConfigFrom({ data: 'synthetic' }), /--loss is required/);
});

test("train's flags and help come from the table, with their defaults", () => {
  const flags = runOptionFlags();
  assert.deepEqual(Object.keys(flags).sort(), Object.keys(RUN_OPTIONS).sort());
  assert.match(runOptionHelp('filters'), /\(default 16\)$/);
  assert.match(
    (flags['lr-schedule'] as { description: string }).description,
    /^cosine \| poly \| constant: .*\(default cosine\)$/,
  );
  assert.equal((flags['batch-norm'] as { type: string }).type, 'boolean');
});

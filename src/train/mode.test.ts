import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lossForMode } from './mode.js';

test('lossForMode: defaults per mode, mode passed to region losses, fromLogits gives logits', () => {
  assert.deepEqual(lossForMode('train', null, {}, 'multilabel'), {
    name: 'multilabel-partial',
    options: {},
    output: 'sigmoid',
  });
  assert.deepEqual(lossForMode('train', null, { fromLogits: true }, 'binary'), {
    name: 'binary-crossentropy',
    options: { fromLogits: true },
    output: 'logits',
  });
  assert.deepEqual(lossForMode('train', 'dice', {}, 'multilabel').options, { mode: 'multilabel' });
  assert.deepEqual(lossForMode('train', 'crossentropy', {}, 'multiclass').output, 'softmax');
});

test('lossForMode: softmax-only losses refused on sigmoid data; multiclass still needs --loss', () => {
  for (const name of ['crossentropy', 'missing-aware-crossentropy', 'marginal-crossentropy', 'exclusion']) {
    assert.throws(
      () => lossForMode('train', name, {}, 'binary'),
      new RegExp(
        `^SeglossError: segloss: train: --loss ${name} is softmax-only but the data is binary; expected`,
      ),
    );
  }
  assert.throws(() => lossForMode('train', null, {}, 'multiclass'), /train: --loss is required/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as segloss from '../src/index.js';

test('public API: a loss works straight after import, before any setupBackend call', () => {
  const y = tf.tensor3d([
    [
      [0, 1, 0],
      [1, 0, 0],
    ],
  ]);
  const p = tf.tensor3d([
    [
      [0.1, 0.8, 0.1],
      [0.2, 0.1, 0.7],
    ],
  ]);
  const v = segloss.losses.missingAwareCrossEntropy(y, p).dataSync()[0];
  assert.ok(Math.abs(v - -Math.log(0.8) / 2) < 1e-6, `${v}`);
  assert.equal(tf.getBackend(), 'cpu');
});

test('public API: the registry, the namespaces and the references agree', () => {
  const names = segloss.listLosses().map((l) => l.name);
  for (const name of [
    'crossentropy',
    'missing-aware-crossentropy',
    'marginal-crossentropy',
    'marginal-dice',
    'exclusion',
    'dice',
    'jaccard',
    'tversky',
    'focal',
    'dice-crossentropy',
  ]) {
    assert.ok(names.includes(name), `${name} is registered`);
  }
  const y = segloss.ndarray([0, 1], [1, 1, 2]);
  const p = segloss.ndarray([0.2, 0.8], [1, 1, 2]);
  assert.ok(Math.abs(segloss.losses.crossEntropyReference(y, p).data[0] - -Math.log(0.8)) < 1e-7);
  assert.equal(typeof segloss.metrics.confusionStats, 'function');
  assert.equal(typeof segloss.draw.ellipse, 'function');
  assert.throws(() => segloss.getLoss('nope'), segloss.SeglossError);
});

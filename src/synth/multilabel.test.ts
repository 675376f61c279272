import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { synthMultilabelScenes } from './multilabel.js';
import { buildUNet } from '../model/unet.js';
import { multilabelPartial } from '../losses/multilabel-partial/tensor.js';

test('synthMultilabelScenes: shapes, reproducible, overlapping classes, present agrees with targets', () => {
  const a = synthMultilabelScenes({ n: 6, size: 32, seed: 5, absentRate: 0 });
  const b = synthMultilabelScenes({ n: 6, size: 32, seed: 5, absentRate: 0 });
  assert.deepEqual(a.targets.shape, [6, 32, 32, 3]);
  assert.deepEqual(a.images.shape, [6, 32, 32, 1]);
  assert.deepEqual(a.images.data, b.images.data);
  assert.deepEqual(a.targets.data, b.targets.data);
  let overlapping = 0;
  const seen = new Float32Array(18);
  for (let px = 0; px < 6 * 1024; px++) {
    let k = 0;
    for (let ch = 0; ch < 3; ch++) {
      k += a.targets.data[px * 3 + ch];
      if (a.targets.data[px * 3 + ch] === 1) seen[Math.floor(px / 1024) * 3 + ch] = 1;
    }
    if (k >= 2) overlapping++;
  }
  assert.ok(overlapping > 0, 'some pixels carry two classes');
  assert.deepEqual(Array.from(a.present.data), Array.from(seen));
  assert.ok(a.images.data.every((v) => v >= 0 && v <= 1));
  const binary = synthMultilabelScenes({ n: 2, size: 16, seed: 1, numClasses: 1 });
  assert.deepEqual(binary.targets.shape, [2, 16, 16, 1]);
  assert.throws(
    () => synthMultilabelScenes({ n: 2, size: 16, seed: 1, numClasses: 6 }),
    /segloss: synthMultilabelScenes: option 'numClasses' is 6; expected an integer in \[1, 5\]/,
  );
});

test('multi-label partial labels through a sigmoid U-Net: hidden classes get exactly zero gradient', () => {
  const { images, targets, present } = synthMultilabelScenes({ n: 4, size: 16, seed: 9, absentRate: 0 });
  // hide class 2 in images 0 and 1: unknown there, not absent
  const annotated = Float32Array.from(present.data);
  for (let i = 0; i < 2; i++) annotated[i * 3 + 2] = 0;
  const model = buildUNet({
    inputShape: [16, 16, 1],
    numClasses: 3,
    depth: 2,
    baseFilters: 4,
    output: 'logits',
    seed: 3,
  });
  const x = tf.tensor(images.data, [4, 16, 16, 1]);
  const y = tf.tensor(targets.data, [4, 16, 16, 3]);
  const a = tf.tensor2d(annotated, [4, 3]);
  const z = model.predict(x) as tf.Tensor;
  const g = tf.grad((out: tf.Tensor) => multilabelPartial(y, out, { fromLogits: true, annotated: a }))(z);
  const d = g.dataSync();
  let hidden = 0;
  let known = 0;
  for (let i = 0; i < 4 * 256; i++) {
    for (let k = 0; k < 3; k++) {
      if (annotated[Math.floor(i / 256) * 3 + k] === 0)
        assert.equal(d[i * 3 + k], 0, `pixel ${i} class ${k}`);
      else if (d[i * 3 + k] !== 0) known++;
      hidden += annotated[Math.floor(i / 256) * 3 + k] === 0 ? 1 : 0;
    }
  }
  assert.equal(hidden, 2 * 256);
  assert.ok(known > 0.9 * (4 * 256 * 3 - hidden), `${known} annotated entries have a gradient`);
  const { value, grads } = tf.variableGrads(
    () => multilabelPartial(y, model.apply(x) as tf.Tensor, { fromLogits: true, annotated: a }) as tf.Scalar,
  );
  assert.ok(Number.isFinite(value.dataSync()[0]));
  assert.ok(
    Object.values(grads).some((t) => t.abs().max().dataSync()[0] > 0),
    'weights get a gradient',
  );
  tf.dispose([x, y, a, z, g, value, ...Object.values(grads)]);
  model.dispose();
});

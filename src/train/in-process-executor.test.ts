// The one-thread step executor refuses a step whose loss is not finite before Adam touches the
// weights, and names its caller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setupBackend } from '../backend/setup.js';
import { labRunConfig, labTrainSettings } from '../lab/train-settings.js';
import { Adam } from './adam.js';
import { inProcessExecutor } from './in-process-executor.js';
import { modelOf } from './run-model.js';
import type { TrainBatch } from '../data/batch.js';

await setupBackend('wasm');

/** Two 16x16 images, every pixel of class 1, all classes annotated. */
function batch(): TrainBatch {
  const [b, h, w, c] = [2, 16, 16, 4];
  const y = new Float32Array(b * h * w * c);
  for (let i = 0; i < b * h * w; i++) y[i * c + 1] = 1;
  return {
    x: { data: new Float32Array(b * h * w).fill(0.5), shape: [b, h, w, 1] },
    y: { data: y, shape: [b, h, w, c] },
    annotated: { data: new Float32Array(b * c).fill(1), shape: [b, c] },
    ignore: null,
    labels: new Uint8Array(b * h * w).fill(1),
  };
}

test('inProcessExecutor: a non-finite loss fails with the caller named and leaves the weights as they were', async () => {
  const base = labRunConfig(labTrainSettings({ size: 16, batchSize: 2, baseFilters: 2 }), 'crossentropy');
  // Class weights near float32's largest value: Σ w·ℓ overflows to Infinity, and Infinity / Σ w is
  // not finite, while every input of the loss is finite.
  const config = {
    ...base,
    loss: { name: 'crossentropy', options: { classWeights: [3e38, 3e38, 3e38, 3e38] } },
  };
  const model = modelOf(config);
  const adam = new Adam({ learningRate: 1e-3 });
  const trainable = () => model.trainableWeights.map((w) => w.read().dataSync().slice());
  const before = trainable();
  const executor = await inProcessExecutor({ model, adam, config, where: 'LabTrainer' });
  await assert.rejects(
    executor.step(batch(), 1e-3),
    /^SeglossError: segloss: LabTrainer: loss is (NaN|Infinity) at step 1; lower the learning rate \(--lr\) or check the data$/,
  );
  // The trainable weights (batch norm's moving statistics move in any training forward pass).
  assert.deepEqual(trainable(), before);
  assert.equal(adam.iteration, 0);
  // The default name is segloss train's.
  const other = await inProcessExecutor({ model, adam, config });
  await assert.rejects(other.step(batch(), 1e-3), /^SeglossError: segloss: train: loss is/);
  adam.dispose();
  model.dispose();
});

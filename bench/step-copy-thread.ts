/**
 * One thread of bench/workers-step.ts' `copiesRunner`: segloss' one-thread training step
 * (`inProcessExecutor`) on its own model and a shard-sized random batch, one step per `'step'`
 * message, answering `'done'`; `'ready'` after the backend, the model and one warm-up step exist.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setupBackend } from '../src/backend/setup.js';
import { Adam } from '../src/train/adam.js';
import { inProcessExecutor } from '../src/train/in-process-executor.js';
import { modelOf } from '../src/train/run-model.js';
import { benchConfig, randomBatch } from './workers-step.js';

const { size, batch } = workerData as { size: number; batch: number };
await setupBackend('wasm');
const config = benchConfig(size, batch, false);
const executor = await inProcessExecutor({
  model: modelOf(config),
  adam: new Adam({ learningRate: config.learningRate }),
  config,
});
const data = randomBatch(size, batch);
await executor.step(data, config.learningRate);
const port = parentPort as NonNullable<typeof parentPort>;
port.on('message', (m: string) => {
  if (m !== 'step') return;
  void executor.step(data, config.learningRate).then(() => port.postMessage('done'));
});
port.postMessage('ready');

/**
 * A step worker as a Node `worker_threads` thread (spawned by spawn-thread.ts): its `workerData` is
 * the {@link WorkerInit}; it starts the run's backend and hands its port to step-worker.ts' body.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setupBackend } from '../../backend/setup.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import { runStepWorker } from './step-worker.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('segloss: step-thread: must run as a worker thread');

await setupBackend(init.backend);
runStepWorker(init, {
  post: (m: FromWorker) => port.postMessage(m),
  listen: (handler: (m: ToWorker) => void) => port.on('message', handler),
  close: () => port.close(),
  exit: (code) => process.exit(code),
});

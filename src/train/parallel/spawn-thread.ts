/**
 * Step workers as Node `worker_threads` threads (the Node side of `SpawnStepWorker`, protocol.ts):
 * each runs step-thread.ts, which hands `workerData` to step-worker.ts' body.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpawnStepWorker, WorkerInit } from './protocol.js';

/**
 * A thread running step-thread beside this file: the built `.js`, or, when this file runs as `.ts`
 * under tsx (tests, benchmarks), the `.ts` source through tsx's loader, which Node 20 does not carry
 * into worker threads by itself.
 *
 * @example `const worker = spawnWorker(init); worker.on('message', (m) => console.log(m.type)); // 'ready'`
 */
export function spawnWorker(init: WorkerInit): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const url = new URL(`./step-thread${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(url, { workerData: init });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

/**
 * The Node `SpawnStepWorker`: a {@link spawnWorker} thread that does not keep the process alive (a run
 * that fails elsewhere must not be kept alive by idle workers), with its messages, errors and exit
 * reported to `events`.
 *
 * @example `await startWorkerExecutor({ model, adam, config, workers: 2, spawn: spawnStepThread });`
 */
export const spawnStepThread: SpawnStepWorker = (init, events) => {
  const worker = spawnWorker(init);
  worker.unref();
  worker.on('message', (m) => events.message(m));
  worker.on('error', (e) => events.error(e));
  worker.on('exit', (code) => events.exit(code));
  return {
    post: (m) => worker.postMessage(m),
    terminate: async () => {
      await worker.terminate();
    },
  };
};

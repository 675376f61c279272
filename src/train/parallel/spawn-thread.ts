/**
 * Step workers as Node `worker_threads` threads (the Node side of `SpawnStepWorker`, protocol.ts):
 * each runs step-thread.ts, which hands `workerData` to step-worker.ts' body.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpawnStepWorker, WorkerInit } from './protocol.js';

/**
 * A worker thread running the module at `url` with `workerData`. A `.ts` module (tests, benchmarks
 * under tsx) is loaded through tsx's loader, which Node 20 does not carry into worker threads by
 * itself; a `.js` module is loaded as is.
 *
 * @example `moduleThread(new URL('./step-copy-thread.ts', import.meta.url), { size: 64, batch: 8 })`
 */
export function moduleThread(url: URL, workerData: unknown): Worker {
  if (extname(fileURLToPath(url)) !== '.ts') return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * A thread running step-thread beside this file (the built `.js`, or the `.ts` source under tsx), via
 * {@link moduleThread}.
 *
 * @example `const worker = spawnWorker(init); worker.on('message', (m) => console.log(m.type)); // 'ready'`
 */
export function spawnWorker(init: WorkerInit): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  return moduleThread(new URL(`./step-thread${ext}`, import.meta.url), init);
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

/**
 * One step worker of the lab's data-parallel step, as a module Web Worker (started by
 * web/spawn-step-worker.ts): its first message is the `WorkerInit`; it starts tfjs' wasm backend with
 * segloss' kernels from the lab's wasm folder and runs the same body as `segloss train`'s threads
 * (src/train/parallel/step-worker.ts). A failure to start is answered as an `error` message.
 */
import { setupBackend } from '../src/backend/setup.js';
import type { FromWorker, ToWorker, WorkerInit } from '../src/train/parallel/protocol.js';
import { runStepWorker } from '../src/train/parallel/step-worker.js';
import { wasmPaths } from './wasm-paths.js';

interface StepWorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<WorkerInit | ToWorker>) => void): void;
  close(): void;
  readonly location: { readonly href: string };
}
const scope = self as unknown as StepWorkerScope;
let init: WorkerInit | null = null;
let handler: ((m: ToWorker) => void) | null = null;
/** Messages that arrive while the backend starts (none, as the coordinator waits for 'ready'). */
const early: ToWorker[] = [];

async function start(first: WorkerInit): Promise<void> {
  await setupBackend(first.backend, { wasmPaths: wasmPaths(scope.location.href) });
  runStepWorker(first, {
    post: (m) => scope.postMessage(m),
    listen: (h) => {
      handler = h;
      early.splice(0).forEach(h);
    },
    close: () => scope.close(),
    // Only Node tests inject exits; a Web Worker that closes itself tells its coordinator nothing.
    exit: () => scope.close(),
  });
}

scope.addEventListener('message', (ev) => {
  if (init === null) {
    init = ev.data as WorkerInit;
    start(init).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      scope.postMessage({ type: 'error', step: 0, message: `the step worker did not start: ${message}` });
    });
    return;
  }
  if (handler === null) early.push(ev.data as ToWorker);
  else handler(ev.data as ToWorker);
});

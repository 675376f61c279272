/**
 * The lab's step workers: module Web Workers running web/step-worker.ts, started for
 * `startWorkerExecutor` (the browser side of `SpawnStepWorker`, whose Node side is spawnStepThread).
 * Also counts the step workers that are up, which the page shows.
 */
import type { FromWorker, SpawnStepWorker } from '../src/train/parallel/protocol.js';

/** A `SpawnStepWorker` for the lab and the count of its workers that are up. */
export interface WebStepWorkers {
  readonly spawn: SpawnStepWorker;
  /** Step workers that have answered `ready` (their backend and replica exist) and not been ended. */
  live(): number;
}

/**
 * Step workers loaded from `step-worker.js` beside `base` (the URL of the lab's train worker). The
 * `WorkerInit`, shared buffers included, goes as the first message; a worker that fails to load or
 * throws outside a step is reported to `events.error` (and not to the page's console).
 *
 * @example
 * ```ts
 * const workers = webStepWorkers(self.location.href);
 * const trainer = new LabTrainer({ workers: 2 }, { spawn: workers.spawn });
 * await trainer.start(); // workers.live() is 2 per model
 * ```
 */
export function webStepWorkers(base: string): WebStepWorkers {
  let live = 0;
  const spawn: SpawnStepWorker = (init, events) => {
    const url = new URL('./step-worker.js', base);
    const worker = new Worker(url, { type: 'module', name: `segloss step worker ${init.index}` });
    let up = false;
    worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
      if (ev.data.type === 'ready' && !up) {
        up = true;
        live++;
      }
      events.message(ev.data);
    });
    worker.addEventListener('error', (ev: ErrorEvent) => {
      ev.preventDefault();
      events.error(new Error(ev.message || `${url.pathname} did not load`));
    });
    worker.addEventListener('messageerror', () =>
      events.error(new Error('a message from the step worker could not be read')),
    );
    worker.postMessage(init);
    return {
      post: (m) => worker.postMessage(m),
      terminate: async () => {
        worker.terminate();
        if (up) live--;
        up = false;
      },
    };
  };
  return { spawn, live: () => live };
}

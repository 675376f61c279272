/**
 * What the coordinator of a data-parallel step (worker-executor.ts) and its workers (step-worker.ts)
 * share: the layout of the shared memory, the messages they exchange, and the small interfaces by
 * which each side reaches its platform (Node threads or Web Workers).
 *
 * Shared memory (one `SharedArrayBuffer` each, float32 unless said):
 * - `weights`: every weight of the model (trainable and batch-norm statistics) at `slot.offset`,
 *   written by the coordinator before each step, read by every worker;
 * - `x` `[B, H, W, ch]`, `pred` `[B, H, W, C]`, `dy` `[B, H, W, C]`: the batch, the workers' outputs
 *   (worker k writes its rows), and the loss gradient with respect to them (written by the coordinator);
 * - `grads` `[workers, T]` (T trainable floats) and `stats` `[workers, S]` (S non-trainable floats):
 *   each worker's gradient of its shard and its batch-norm moving statistics after the step;
 * - `flags` (int32 `[workers]`): the step whose `dy` is ready for worker k, or {@link ABORT};
 * - `y` `[B, H, W, C]`, `annotated` `[B, C]`, `ignore` `[B, H, W]`: the batch's targets (the
 *   in-worker loss path, below), written by the coordinator with the images;
 * - `parts` (float64 `[workers, 2]`): worker k's loss sum and mean denominator on its shard.
 *
 * Two paths per step, chosen once per run:
 * - in-worker loss (per-pixel losses, which have `meanParts`): worker k computes the loss of its
 *   shard with `reduction: 'sum'`, its gradient and `D_k`, in one message round trip; the coordinator
 *   divides the summed gradients and losses by `D = sum_k D_k` (1 for `'sum'`);
 * - loss on the coordinator (region losses, whose pooled statistics do not split): the workers publish
 *   `pred`, the coordinator writes `dy = dL/dpred` of the whole batch, the workers back-propagate it.
 *
 * Messages are a few fields each (the step number, the shard); no tensor goes through a message.
 */
import type { BackendName } from '../../backend/setup.js';
import type { RunConfig } from '../config.js';

/** One weight of the model in the shared buffers. */
export interface WeightSlot {
  /** The weight's stable `originalName` (as in checkpoints). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  /** Offset (floats) in `weights`. */
  readonly offset: number;
  readonly trainable: boolean;
  /** Offset (floats) in a worker's row of `grads` (trainable) or `stats` (non-trainable). */
  readonly rowOffset: number;
}

/** The shared buffers (see the file header). */
export interface SharedBuffers {
  readonly weights: SharedArrayBuffer;
  readonly x: SharedArrayBuffer;
  readonly pred: SharedArrayBuffer;
  readonly dy: SharedArrayBuffer;
  readonly grads: SharedArrayBuffer;
  readonly stats: SharedArrayBuffer;
  readonly flags: SharedArrayBuffer;
  readonly y: SharedArrayBuffer;
  readonly annotated: SharedArrayBuffer;
  readonly ignore: SharedArrayBuffer;
  readonly parts: SharedArrayBuffer;
}

/** A fault the tests inject into one worker at one step: an exception, or the thread exiting. */
export interface InjectedFault {
  readonly worker: number;
  readonly step: number;
  readonly kind: 'throw' | 'exit';
}

/** What a worker starts from: a Node thread's `workerData`, a Web Worker's first message. */
export interface WorkerInit {
  readonly index: number;
  readonly config: RunConfig;
  readonly backend: BackendName;
  readonly simd: boolean;
  readonly slots: readonly WeightSlot[];
  /** Floats per worker row of `grads` and of `stats`. */
  readonly trainableSize: number;
  readonly statsSize: number;
  readonly buffers: SharedBuffers;
  readonly fault?: InjectedFault;
}

/**
 * Coordinator to worker: run step `step` on images `start … start + count − 1` of the batch, with the
 * loss in the worker (`inWorkerLoss`; `ignore` says whether the batch has ignored pixels) or on the
 * coordinator.
 */
export type ToWorker =
  | {
      readonly type: 'step';
      readonly step: number;
      readonly start: number;
      readonly count: number;
      readonly inWorkerLoss: boolean;
      readonly ignore: boolean;
    }
  | { readonly type: 'close' };

/** Worker to coordinator. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'pred'; readonly step: number }
  | { readonly type: 'done'; readonly step: number }
  | { readonly type: 'error'; readonly step: number; readonly message: string };

/** The `flags` value that tells a waiting worker to give up its step. */
export const ABORT = -1;

/**
 * What a step worker's body (step-worker.ts) needs from its platform: a Node `worker_threads` thread
 * (step-thread.ts) or a Web Worker (web/step-worker.ts).
 */
export interface StepWorkerPort {
  /** Sends a message to the coordinator. */
  post(message: FromWorker): void;
  /** Calls `handler` with every message from the coordinator from now on. */
  listen(handler: (message: ToWorker) => void): void;
  /** Stops receiving messages, so that the worker may end. */
  close(): void;
  /** Ends the worker at once (an injected `'exit'` fault); a Node thread exits with `code`. */
  exit(code: number): void;
}

/** What the coordinator hears from one step worker (see {@link SpawnStepWorker}). */
export interface StepWorkerEvents {
  message(message: FromWorker): void;
  /** The worker failed outside a step's message (it did not load, or threw while starting). */
  error(error: Error): void;
  /** The worker ended (Node threads only; a Web Worker does not report its end). */
  exit(code: number): void;
}

/** The coordinator's handle on one step worker. */
export interface StepWorkerHandle {
  post(message: ToWorker): void;
  /** Ends the worker; resolves once it has ended. */
  terminate(): Promise<void>;
}

/**
 * Starts one step worker with `init` on the caller's platform and reports what it says to `events`:
 * `spawnStepThread` (spawn-thread.ts) in Node, a module Web Worker in the lab (web/spawn-step-worker.ts).
 *
 * @example
 * ```ts
 * const events = { message: (m: FromWorker) => console.log(m.type), error: console.error, exit: () => {} };
 * const handle = spawnStepThread(init, events); // logs 'ready' once the worker has its model
 * ```
 */
export type SpawnStepWorker = (init: WorkerInit, events: StepWorkerEvents) => StepWorkerHandle;

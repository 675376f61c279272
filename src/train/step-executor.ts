import type * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import type { Adam } from './adam.js';
import type { RunConfig } from './config.js';
import type { TrainBatch } from '../data/batch.js';

/**
 * What the training loop calls for one optimisation step: the loss of `batch`, its gradient for every
 * trainable weight of the loop's model, and one Adam update of that model. Two implementations: the
 * in-process step of loop.ts (one thread), and the data-parallel one of parallel/worker-executor.ts
 * (`workers` threads, each a shard of the batch; same result up to float summation order).
 */
export interface StepExecutor {
  /** Runs one step on `batch` with Adam's step size `learningRate` and returns the loss value. */
  step(batch: TrainBatch, learningRate: number): Promise<number>;
  /** Frees what the executor holds (worker threads); the model and the optimiser stay the caller's. */
  close(): Promise<void>;
  /**
   * Where the time of the steps so far went (ms, summed over steps), when the executor keeps it: the
   * coordinator's serial work (weights to shared memory, the loss on the whole batch, summing the shard
   * gradients, Adam) against the time it waited for the workers.
   */
  readonly timings?: StepTimings;
}

/** See {@link StepExecutor.timings}. */
export interface StepTimings {
  steps: number;
  /** Weights and images written to shared memory. */
  send: number;
  /** Waiting for the workers' forward passes. */
  forward: number;
  /** The loss and its gradient on the whole batch. */
  loss: number;
  /** Waiting for the workers' backward passes. */
  backward: number;
  /** Summing the shard gradients, averaging the moving statistics, and Adam. */
  update: number;
}

/** What a step executor works on: the loop's model (updated in place), its optimiser and the run. */
export interface ExecutorParts {
  readonly model: tf.LayersModel;
  readonly adam: Adam;
  readonly config: RunConfig;
  /** The name the executor's errors start with (after `segloss: `). Default `'train'`. */
  readonly where?: string;
}

/** Makes the step executor of a run (see `TrainOptions.executor`). */
export type ExecutorFactory = (parts: ExecutorParts) => Promise<StepExecutor>;

/**
 * Checks a worker count against the batch size: an integer in `[1, batchSize]` (every worker needs at
 * least one image).
 *
 * @example `checkWorkers('train', 3, 2)` throws `segloss: train: workers is 3; expected an integer from 1
 * to the batch size (2)`.
 */
export function checkWorkers(where: string, workers: number, batchSize: number): void {
  if (!Number.isInteger(workers) || workers < 1 || workers > batchSize) {
    fail(where, `workers is ${workers}; expected an integer from 1 to the batch size (${batchSize})`);
  }
}

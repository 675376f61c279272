/** Messages between the train page and its worker (web/train-worker.ts). */
import type { LabTrainOptions } from '../src/lab/train-settings.js';

/** Page -> worker. */
export type ToWorker =
  | {
      type: 'start';
      options: LabTrainOptions;
      backend: 'wasm' | 'webgl';
      maxSteps: number;
      validateEvery: number;
    }
  | { type: 'pause' }
  | { type: 'reset' }
  | { type: 'save'; index: number };

/** Worker -> page. */
export type FromWorker =
  | {
      type: 'ready';
      backend: string;
      valImages: Float32Array;
      valLabels: Uint8Array;
      size: number;
      valN: number;
      /** Workers per model's step (1: in the train worker itself). */
      workers: number;
      /** Step workers up, over all models (0 with 1 worker per model). */
      stepWorkers: number;
      /** Why fewer workers than asked for train (empty when the request was met). */
      note: string;
    }
  | {
      type: 'step';
      step: number;
      losses: number[];
      numTensors: number;
      /** Mean ms per step (validation included) over the last steps. */
      msPerStep: number;
      /** This step's ms (the training step of every model, nothing else). */
      stepMs: number;
      stepWorkers: number;
    }
  | {
      type: 'validation';
      step: number;
      meanIoU: readonly number[];
      falsePositives: readonly number[];
      predictions: Uint8Array[];
    }
  | { type: 'stopped'; step: number; reason: 'paused' | 'done' | 'reset' }
  | { type: 'saved'; index: number; modelJson: string; weights: ArrayBuffer }
  | { type: 'error'; message: string };

/** Messages between the train page and its worker (web/train-worker.ts). */
import type { LabTrainOptions } from '../src/lab/train-session.js';

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
    }
  | { type: 'step'; step: number; losses: number[]; numTensors: number; msPerStep: number }
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

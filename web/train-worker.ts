/**
 * The train page's Web Worker: runs src/lab/train-session.ts's LabTrainer on tfjs' wasm backend with
 * segloss' kernels (or WebGL when the page asks for it), step by step, yielding to messages between
 * steps so that pause, reset and save answer at once.
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/backend/setup.js';
import { LabTrainer } from '../src/lab/train-session.js';
import type { FromWorker, ToWorker } from './train-protocol.js';
import { wasmPaths } from './wasm-paths.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<ToWorker>) => void): void;
  readonly location: { readonly href: string };
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

let trainer: LabTrainer | null = null;
let running = false;
/** Bumped by pause and reset, so that a loop started earlier stops even if a new one starts. */
let generation = 0;
let backendChosen: 'wasm' | 'webgl' | null = null;

/** Switches tfjs to the chosen backend (only between runs: the page resets before a change). */
async function ensureBackend(name: 'wasm' | 'webgl'): Promise<string> {
  if (backendChosen === name) return tf.getBackend();
  if (name === 'webgl') {
    if (!(await tf.setBackend('webgl')))
      throw new Error('segloss lab: WebGL is not available in this worker');
    await tf.ready();
  } else {
    await setupBackend('wasm', { wasmPaths: wasmPaths(scope.location.href) });
  }
  backendChosen = name;
  return tf.getBackend();
}

async function run(maxSteps: number, validateEvery: number): Promise<void> {
  const t = trainer;
  if (t === null) return;
  running = true;
  const gen = ++generation;
  let t0 = performance.now();
  let counted = 0;
  while (gen === generation && trainer === t && (maxSteps === 0 || t.stepsTaken < maxSteps)) {
    const losses = t.step();
    counted++;
    const msPerStep = (performance.now() - t0) / counted;
    if (counted === 20) [t0, counted] = [performance.now(), 0];
    post({ type: 'step', step: t.stepsTaken, losses, numTensors: tf.memory().numTensors, msPerStep });
    if (t.stepsTaken % validateEvery === 0 || t.stepsTaken === maxSteps) {
      const v = t.validate();
      post({ type: 'validation', ...v, predictions: [...v.predictions] });
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  if (trainer === t && gen === generation) {
    const done = maxSteps > 0 && t.stepsTaken >= maxSteps;
    running = false;
    post({ type: 'stopped', step: t.stepsTaken, reason: done ? 'done' : 'paused' });
  }
}

async function onMessage(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'start': {
      if (running) return;
      const backend = await ensureBackend(m.backend);
      if (trainer === null) {
        trainer = new LabTrainer(m.options);
        const { size, valN } = trainer.settings;
        post({
          type: 'ready',
          backend,
          valImages: trainer.valImages,
          valLabels: trainer.valLabels,
          size,
          valN,
        });
        const v = trainer.validate();
        post({ type: 'validation', ...v, predictions: [...v.predictions] });
      }
      await run(m.maxSteps, m.validateEvery);
      return;
    }
    case 'pause': {
      running = false;
      generation++;
      const step = trainer?.stepsTaken ?? 0;
      post({ type: 'stopped', step, reason: 'paused' });
      return;
    }
    case 'reset': {
      running = false;
      generation++;
      const step = trainer?.stepsTaken ?? 0;
      trainer?.dispose();
      trainer = null;
      post({ type: 'stopped', step, reason: 'reset' });
      return;
    }
    case 'save': {
      const model = trainer?.models[m.index];
      if (model === undefined) return;
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          const weights = weightBuffer(artifacts.weightData);
          const modelJson = JSON.stringify({
            format: artifacts.format,
            generatedBy: artifacts.generatedBy,
            convertedBy: artifacts.convertedBy,
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: ['./model.weights.bin'], weights: artifacts.weightSpecs }],
          });
          post({ type: 'saved', index: m.index, modelJson, weights }, [weights]);
          return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
        }),
      );
      return;
    }
  }
}

/** One ArrayBuffer of the weights (tfjs 4 may hand them over as a list of buffers). */
function weightBuffer(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return data instanceof ArrayBuffer ? data.slice(0) : tf.io.concatenateArrayBuffers(data);
}

scope.addEventListener('message', (ev) => {
  onMessage(ev.data).catch((e: unknown) => {
    running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  });
});

/**
 * The train page's Web Worker: runs src/lab/train-session.ts's LabTrainer on tfjs' wasm backend with
 * segloss' kernels (or WebGL when the page asks for it), step by step, yielding to messages between
 * steps so that pause, reset and save answer at once. With `workers` > 1 it is the coordinator of each
 * model's data-parallel step, whose step workers (web/step-worker.ts) it starts; that needs a
 * cross-origin-isolated page (SharedArrayBuffer), else it trains with 1 and says why.
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/backend/setup.js';
import { LabTrainer } from '../src/lab/train-session.js';
import type { FromWorker, ToWorker } from './train-protocol.js';
import { wasmPaths } from './wasm-paths.js';
import { webStepWorkers } from './spawn-step-worker.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<ToWorker>) => void): void;
  readonly location: { readonly href: string };
  readonly crossOriginIsolated?: boolean;
}
const scope = self as unknown as WorkerScope;
const stepWorkers = webStepWorkers(scope.location.href);
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

let trainer: LabTrainer | null = null;
let running = false;
/** Counts run loops, so that a loop that ends after a newer one started leaves `running` alone. */
let loops = 0;
/** Bumped by pause and reset (and each run), so that a running loop stops after its step. */
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
  const loop = ++loops;
  let t0 = performance.now();
  let counted = 0;
  while (gen === generation && trainer === t && (maxSteps === 0 || t.stepsTaken < maxSteps)) {
    const s0 = performance.now();
    const losses = await t.step();
    const stepMs = performance.now() - s0;
    if (trainer !== t) break; // reset meanwhile (the reset answers)
    counted++;
    const msPerStep = (performance.now() - t0) / counted;
    if (counted === 20) [t0, counted] = [performance.now(), 0];
    post({
      type: 'step',
      step: t.stepsTaken,
      losses,
      numTensors: tf.memory().numTensors,
      msPerStep,
      stepMs,
      stepWorkers: stepWorkers.live(),
    });
    if (t.stepsTaken % validateEvery === 0 || t.stepsTaken === maxSteps) {
      const v = t.validate();
      post({ type: 'validation', ...v, predictions: [...v.predictions] });
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  if (loops === loop) running = false; // not when a newer loop runs (a reset, then a start)
  if (trainer === t) {
    // Done, or paused (the pause arrived during a step, which was reported first).
    const done = maxSteps > 0 && t.stepsTaken >= maxSteps;
    post({ type: 'stopped', step: t.stepsTaken, reason: done ? 'done' : 'paused' });
  }
}

async function onMessage(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'start': {
      if (running) return;
      const backend = await ensureBackend(m.backend);
      if (trainer === null) {
        const { workers, note } = workersFor(m.options.workers ?? 1, backend);
        const t = new LabTrainer({ ...m.options, workers }, { spawn: stepWorkers.spawn });
        trainer = t;
        const gen = generation;
        try {
          await t.start(); // the step workers, each with its backend and replica
        } catch (e) {
          if (trainer === t) trainer = null;
          await t.dispose();
          throw e;
        }
        if (trainer !== t) return; // reset meanwhile
        const { size, valN } = t.settings;
        post({
          type: 'ready',
          backend,
          valImages: t.valImages,
          valLabels: t.valLabels,
          size,
          valN,
          workers,
          stepWorkers: stepWorkers.live(),
          note,
        });
        const v = t.validate();
        post({ type: 'validation', ...v, predictions: [...v.predictions] });
        if (gen !== generation) return; // paused meanwhile
      }
      await run(m.maxSteps, m.validateEvery);
      return;
    }
    case 'pause': {
      generation++; // a running loop stops after its step and answers
      if (!running) post({ type: 'stopped', step: trainer?.stepsTaken ?? 0, reason: 'paused' });
      return;
    }
    case 'reset': {
      running = false;
      generation++;
      const step = trainer?.stepsTaken ?? 0;
      const old = trainer;
      trainer = null;
      await old?.dispose();
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

/**
 * The workers per model to train with: the page's request, or 1 with the reason when this worker has
 * no SharedArrayBuffer (the page is not cross-origin isolated) or trains on WebGL.
 */
function workersFor(asked: number, backend: string): { workers: number; note: string } {
  if (asked <= 1) return { workers: 1, note: '' };
  if (scope.crossOriginIsolated !== true) {
    const note = `${asked} workers asked for, but this page is not cross-origin isolated (no SharedArrayBuffer): training with 1`;
    return { workers: 1, note };
  }
  if (backend !== 'wasm')
    return { workers: 1, note: `${asked} workers asked for, but the ${backend} backend trains with 1` };
  return { workers: asked, note: '' };
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

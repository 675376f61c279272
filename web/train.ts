/**
 * The train page (`/train.html`): settings, the loss picker, start/pause/reset, live curves, validation
 * numbers and overlays, and model downloads. Training runs in web/train-worker.ts; this file only
 * wires the DOM and draws what the worker reports.
 */
import { overlayRgba, labelsRgba } from '../src/lab/images.js';
import { parseTrainSettings, type TrainUrlSettings } from '../src/lab/settings.js';
import { labDefaultWorkers } from '../src/lab/train-settings.js';
import { listLosses } from '../src/losses/registry.js';
import { byId, el, rgbaCanvas, showError } from './dom.js';
import type { FromWorker, ToWorker } from './train-protocol.js';

const C = 4;
const OVERLAYS = 4;
const VALIDATE_EVERY = 10;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c'];

let settings: TrainUrlSettings;
let worker: Worker;
let chosen: string[] = [];
let history: number[][] = [];
let validation: Extract<FromWorker, { type: 'validation' }> | null = null;
let ready: Extract<FromWorker, { type: 'ready' }> | null = null;

const send = (m: ToWorker) => worker.postMessage(m);
/** Steps whose losses and times the page keeps in data attributes (for tests and benchmarks). */
const RECORDED_STEPS = 100;

function lossPicker(): void {
  const box = byId('loss-picker');
  const boxes = listLosses().map((l) => {
    const input = el('input', { type: 'checkbox', value: l.name, 'data-testid': `pick-${l.name}` });
    input.checked = chosen.includes(l.name);
    input.addEventListener('change', () => {
      const next = input.checked ? [...chosen, l.name] : chosen.filter((n) => n !== l.name);
      if (next.length < 1 || next.length > 3) {
        input.checked = !input.checked;
        showError('segloss lab: pick one to three losses');
        return;
      }
      showError('');
      chosen = next;
      reset();
    });
    return el('label', { title: l.summary }, input, ` ${l.name}`);
  });
  box.replaceChildren(el('span', {}, 'losses (1 to 3): '), ...boxes);
}

function setRunning(on: boolean): void {
  byId<HTMLButtonElement>('start').disabled = on;
  byId<HTMLButtonElement>('pause').disabled = !on;
}

function start(): void {
  const seed = Number(byId<HTMLInputElement>('seed').value);
  const missingRate = Number(byId<HTMLInputElement>('missing').value);
  const backend = byId<HTMLSelectElement>('backend').value as 'wasm' | 'webgl';
  const workers = Number(byId<HTMLInputElement>('workers').value);
  const { size, batchSize, baseFilters, batchNorm } = settings;
  setRunning(true);
  byId('status').textContent = 'training';
  send({
    type: 'start',
    options: { losses: chosen, seed, missingRate, size, batchSize, baseFilters, batchNorm, workers },
    backend,
    maxSteps: settings.maxSteps,
    validateEvery: VALIDATE_EVERY,
  });
}

/** True from a reset until the worker acknowledges it: reports of the old run still in flight are dropped. */
let resetting = false;

function reset(): void {
  resetting = true;
  send({ type: 'reset' });
  clearRun();
}

function clearRun(): void {
  history = [];
  validation = null;
  ready = null;
  byId('step').textContent = '0';
  byId('loss').textContent = '-';
  delete byId('loss').dataset.history;
  delete byId('rate').dataset.stepMs;
  for (const id of ['workers-used', 'step-workers']) byId(id).textContent = '-';
  byId('workers-note').textContent = '';
  byId('results').replaceChildren();
  drawCurves();
}

function drawCurves(): void {
  const canvas = byId<HTMLCanvasElement>('curves');
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#444';
  const all = history.flat().filter(Number.isFinite);
  if (all.length === 0) {
    ctx.fillText('loss per step appears here', 10, 20);
    return;
  }
  const top = Math.max(...all);
  const steps = history.length;
  const x = (i: number) => 40 + ((width - 50) * i) / Math.max(1, steps - 1);
  const y = (v: number) => height - 20 - ((height - 30) * v) / top;
  ctx.fillText(top.toFixed(2), 2, 14);
  ctx.fillText('0', 28, height - 20);
  ctx.fillText(`step ${steps}`, width - 60, height - 4);
  chosen.forEach((name, k) => {
    ctx.strokeStyle = COLORS[k];
    ctx.beginPath();
    history.forEach((row, i) => (i === 0 ? ctx.moveTo(x(i), y(row[k])) : ctx.lineTo(x(i), y(row[k]))));
    ctx.stroke();
    ctx.fillStyle = COLORS[k];
    ctx.fillText(name, 50, 14 + 13 * k);
  });
}

function drawResults(): void {
  if (ready === null || validation === null) return;
  const { size, valImages, valLabels } = ready;
  const p = size * size;
  const shown = Math.min(OVERLAYS, ready.valN);
  const truth = el(
    'tr',
    {},
    el('td', {}, 'truth'),
    el('td', {}, ''),
    el('td', {}, ''),
    ...Array.from({ length: shown }, (_, i) =>
      el('td', {}, rgbaCanvas(labelsRgba(valLabels, i, p, C), size, size)),
    ),
    el('td', {}, ''),
  );
  const v = validation;
  const rows = chosen.map((name, k) => {
    const save = el('button', { type: 'button', 'data-testid': `train-save-${k}` }, 'download model');
    save.addEventListener('click', () => send({ type: 'save', index: k }));
    return el(
      'tr',
      {},
      el('td', {}, name),
      el('td', { 'data-testid': `val-iou-${k}` }, v.meanIoU[k].toFixed(3)),
      el('td', { 'data-testid': `val-fp-${k}` }, String(v.falsePositives[k])),
      ...Array.from({ length: shown }, (_, i) =>
        el('td', {}, rgbaCanvas(overlayRgba(valImages, v.predictions[k], i, p, C), size, size)),
      ),
      el('td', {}, save),
    );
  });
  const head = el(
    'tr',
    {},
    el('th', {}, `validation at step ${v.step}`),
    el('th', {}, 'mean IoU'),
    el(
      'th',
      { title: 'validation (image, class) pairs: class absent in the truth, predicted anyway' },
      'FP on absent',
    ),
    el('th', { colspan: String(shown) }, 'predictions on fixed validation scenes'),
    el('th', {}, ''),
  );
  byId('results').replaceChildren(el('table', {}, el('thead', {}, head), el('tbody', {}, truth, ...rows)));
}

/**
 * Keeps the least and most live tensors seen since step 2 (Adam's moments exist from step 1 on) in
 * `#tensors`' data attributes: equal values mean the worker leaks nothing per step.
 */
function noteTensors(step: number, count: number): void {
  const e = byId('tensors');
  if (step < 2) {
    delete e.dataset.min;
    delete e.dataset.max;
    return;
  }
  e.dataset.min = String(Math.min(count, Number(e.dataset.min ?? count)));
  e.dataset.max = String(Math.max(count, Number(e.dataset.max ?? count)));
}

function download(name: string, blob: Blob): void {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function onWorker(m: FromWorker): void {
  if (resetting && m.type !== 'error' && !(m.type === 'stopped' && m.reason === 'reset')) return;
  switch (m.type) {
    case 'ready':
      ready = m;
      byId('backend-used').textContent = m.backend;
      byId('workers-used').textContent = String(m.workers);
      byId('step-workers').textContent = String(m.stepWorkers);
      byId('workers-note').textContent = m.note;
      return;
    case 'step':
      history.push(m.losses);
      byId('step').textContent = String(m.step);
      byId('loss').textContent = m.losses.map((v) => v.toFixed(4)).join(' / ');
      byId('loss').dataset.value = String(m.losses[0]);
      byId('tensors').textContent = String(m.numTensors);
      noteTensors(m.step, m.numTensors);
      if (m.step === 1) byId('loss').dataset.first = String(m.losses[0]);
      byId('rate').textContent = `${m.msPerStep.toFixed(0)} ms per step`;
      byId('step-workers').textContent = String(m.stepWorkers);
      if (history.length <= RECORDED_STEPS) {
        byId('loss').dataset.history = JSON.stringify(history);
        const times = byId('rate').dataset.stepMs;
        byId('rate').dataset.stepMs = `${times === undefined ? '' : `${times},`}${m.stepMs.toFixed(2)}`;
      }
      if (m.step % 5 === 0 || m.step < 5) drawCurves();
      return;
    case 'validation':
      validation = m;
      drawResults();
      return;
    case 'stopped':
      if (m.reason === 'reset') {
        resetting = false;
        clearRun();
      }
      setRunning(false);
      byId('status').textContent = m.reason === 'reset' ? 'idle' : m.reason;
      drawCurves();
      return;
    case 'saved':
      download('model.json', new Blob([m.modelJson], { type: 'application/json' }));
      download('model.weights.bin', new Blob([m.weights], { type: 'application/octet-stream' }));
      return;
    case 'error':
      setRunning(false);
      byId('status').textContent = 'error';
      showError(m.message);
      return;
  }
}

/** Offers WebGL when this browser's workers can create a WebGL2 context (wasm stays the default). */
function offerWebgl(): void {
  try {
    if (typeof OffscreenCanvas === 'undefined' || new OffscreenCanvas(1, 1).getContext('webgl2') === null)
      return;
  } catch {
    return;
  }
  byId('backend').append(el('option', { value: 'webgl' }, 'WebGL (tfjs kernels)'));
}

function main(): void {
  settings = parseTrainSettings(location.search);
  chosen = [...settings.losses];
  byId<HTMLInputElement>('seed').value = String(settings.seed);
  byId<HTMLInputElement>('missing').value = String(settings.missingRate);
  byId('missing-value').textContent = String(settings.missingRate);
  const workers = byId<HTMLInputElement>('workers');
  workers.max = String(settings.batchSize);
  const env = { cores: navigator.hardwareConcurrency || 1, isolated: crossOriginIsolated };
  workers.value = String(settings.workers === 0 ? labDefaultWorkers(settings, env) : settings.workers);
  byId<HTMLInputElement>('missing').addEventListener('input', () => {
    byId('missing-value').textContent = byId<HTMLInputElement>('missing').value;
  });
  for (const id of ['seed', 'missing', 'backend', 'workers']) byId(id).addEventListener('change', reset);
  lossPicker();
  offerWebgl();
  worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => onWorker(ev.data));
  worker.addEventListener('error', (ev) => showError(ev.message));
  byId('start').addEventListener('click', start);
  byId('pause').addEventListener('click', () => send({ type: 'pause' }));
  byId('reset').addEventListener('click', reset);
  drawCurves();
  document.body.dataset.readyMs = String(performance.now());
  document.body.dataset.ready = 'true';
}

try {
  main();
} catch (e) {
  showError(e);
}

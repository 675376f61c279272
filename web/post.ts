/**
 * The post page (`/`): the post's data on canvases, every per-pixel loss's map and value, objects
 * dropped and restored by clicking, explicit or inferred annotated sets. All numbers come from
 * src/lab/post-lab.ts (the same code as `segloss demo`); this file only wires the DOM.
 */
import { setupBackend } from '../src/backend/setup.js';
import { heatRgba, labelsRgba, probabilitiesRgba } from '../src/lab/images.js';
import {
  objectAt,
  postLabLosses,
  postLabStart,
  setAnnotatedMode,
  toggleAnnotatedClass,
  toggleObject,
  type PostLabLosses,
  type PostLabState,
} from '../src/lab/post-lab.js';
import { parsePostSettings, postSettingsQuery, type PostSettings } from '../src/lab/settings.js';
import { POST_CLASSES } from '../src/synth/post.js';
import { byId, el, paint, rgbaCanvas, showError } from './dom.js';
import { wasmPaths } from './wasm-paths.js';

const C = 4;
const FIELDS = ['seed', 'n', 'size', 'missing', 'quality'] as const;
let settings: PostSettings;
let state: PostLabState;
let losses: PostLabLosses;

const fmt = (v: number) => v.toFixed(6);

function setValue(id: string, v: number): void {
  const e = byId(id);
  e.textContent = fmt(v);
  e.dataset.value = String(v);
}

function render(): void {
  losses = postLabLosses(state);
  setValue('standard-full', losses.standardFull);
  setValue('standard-full-tensor', losses.standardFullTensor);
  setValue('standard-missing', losses.standardMissing);
  setValue('missing-aware-missing', losses.missingAwareMissing);
  byId('dropped').textContent =
    state.dropped.map((d) => `image ${d.image} ${POST_CLASSES[d.class]}`).join(', ') || 'none';
  const rows = byId('loss-values');
  rows.replaceChildren(
    ...losses.maps.map((m) => {
      const td = el('td', { 'data-testid': `loss-${m.name}`, 'data-value': String(m.value) }, fmt(m.value));
      return el('tr', {}, el('td', {}, `${m.name}, missing annotations`), td);
    }),
  );
  const scale = byId<HTMLCanvasElement>('scale');
  paint(
    scale,
    heatRgba(
      Float32Array.from({ length: 120 }, (_, i) => i / 119),
      0,
      120,
      1,
    ),
    120,
    1,
  );
  byId('scale-max').textContent = losses.mapScale.toFixed(2);
  drawGrid();
}

function drawGrid(): void {
  const [n, h, w] = state.labels.shape;
  const p = h * w;
  const head = el(
    'tr',
    {},
    el('th', {}, 'image'),
    el('th', {}, 'truth'),
    el('th', {}, 'truth, dropped'),
    el('th', {}, 'prediction'),
    ...losses.maps.map((m) => el('th', {}, m.name)),
    el('th', {}, 'annotated'),
  );
  const body = Array.from({ length: n }, (_, i) => {
    const click = (canvas: HTMLCanvasElement) => {
      canvas.dataset.image = String(i);
      canvas.addEventListener('click', (ev) => onClick(ev, canvas, i));
      return canvas;
    };
    const truth = click(rgbaCanvas(labelsRgba(state.labels.data, i, p, C), w, h, 'clickable'));
    truth.dataset.testid = `truth-${i}`;
    const missing = click(rgbaCanvas(labelsRgba(losses.labelsMissing.data, i, p, C), w, h, 'clickable'));
    const pred = rgbaCanvas(probabilitiesRgba(state.predictions.data, i, p, C), w, h);
    const maps = losses.maps.map((m) => rgbaCanvas(heatRgba(m.map, i, p, losses.mapScale), w, h));
    const chips = [1, 2, 3].map((c) => {
      const on = state.explicitMask.data[i * C + c] === 1;
      const b = el('button', { class: on ? 'chip on' : 'chip', type: 'button' }, POST_CLASSES[c]);
      b.disabled = state.mode !== 'explicit';
      b.addEventListener('click', () => {
        state = toggleAnnotatedClass(state, i, c);
        render();
      });
      return b;
    });
    return el(
      'tr',
      {},
      el('td', {}, String(i)),
      ...[truth, missing, pred, ...maps].map((c) => el('td', {}, c)),
      el('td', {}, ...chips),
    );
  });
  byId('grid').replaceChildren(el('table', {}, el('thead', {}, head), el('tbody', {}, ...body)));
}

function onClick(ev: MouseEvent, canvas: HTMLCanvasElement, image: number): void {
  const [, h, w] = state.labels.shape;
  const rect = canvas.getBoundingClientRect();
  const x = Math.min(w - 1, Math.floor(((ev.clientX - rect.left) / rect.width) * w));
  const y = Math.min(h - 1, Math.floor(((ev.clientY - rect.top) / rect.height) * h));
  const cls = objectAt(state, image, y, x);
  if (cls === 0) return;
  state = toggleObject(state, image, cls);
  render();
  const k = (image * h + y) * w + x;
  const at = losses.maps.map((m) => `${m.name} ${m.map[k].toFixed(3)}`).join(', ');
  const pixel = byId('pixel');
  pixel.textContent = `pixel (${y}, ${x}) of image ${image}: ${at}`;
  for (const m of losses.maps) pixel.dataset[camel(m.name)] = String(m.map[k]);
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function readForm(): PostSettings {
  const q = new URLSearchParams();
  for (const f of FIELDS) q.set(f, byId<HTMLInputElement>(f).value);
  return parsePostSettings(`?${q}`);
}

function start(next: PostSettings): void {
  settings = next;
  for (const f of FIELDS) byId<HTMLInputElement>(f).value = String(settings[f]);
  byId('quality-value').textContent = String(settings.quality);
  state = postLabStart(settings);
  const mode = byId<HTMLInputElement>('mode-explicit').checked ? 'explicit' : 'inferred';
  state = setAnnotatedMode(state, mode);
  render();
}

async function main(): Promise<void> {
  // The tensor value runs on the wasm backend with segloss' kernels, as in `segloss demo`.
  await setupBackend('wasm', { wasmPaths: wasmPaths(location.href) });
  start(parsePostSettings(location.search));
  for (const f of FIELDS) {
    byId<HTMLInputElement>(f).addEventListener('change', () => {
      try {
        const next = readForm();
        history.replaceState(null, '', postSettingsQuery(next));
        byId('error').textContent = '';
        start(next);
      } catch (e) {
        showError(e);
      }
    });
  }
  byId<HTMLInputElement>('quality').addEventListener('input', () => {
    byId('quality-value').textContent = byId<HTMLInputElement>('quality').value;
  });
  for (const id of ['mode-inferred', 'mode-explicit']) {
    byId<HTMLInputElement>(id).addEventListener('change', (ev) => {
      state = setAnnotatedMode(state, (ev.target as HTMLInputElement).value as 'inferred' | 'explicit');
      render();
    });
  }
  document.body.dataset.readyMs = String(performance.now());
  document.body.dataset.ready = 'true';
}

main().catch(showError);

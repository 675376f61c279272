/**
 * What the study report needs beyond `summary.json`, read from the run folders: every run's
 * validation curve (`metrics.json`) and the predictions of each method's model on a few fixed test
 * images, as PNG overlays.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classPalette } from '../report/colors.js';
import { encodePng } from '../data/png-encode.js';
import type { LoadedItem } from '../data/dataset.js';
import type { ItemSource } from '../data/item-source.js';
import { loadRun, predictLabels } from '../train/model-io.js';
import { overlay } from '../train/overlay.js';
import { openSplit } from '../train/source.js';
import type { DropMode, StudySummary } from './study-types.js';

/** One run's validation mean IoU against step (from its `metrics.json`). */
export interface ReportCurve {
  method: string;
  dropMode: DropMode;
  dropRate: number;
  seed: number;
  steps: number[];
  meanIoU: (number | null)[];
}

/** Overlays of the same test images predicted by every method at one setting. */
export interface ReportPredictions {
  dropMode: DropMode;
  dropRate: number;
  split: string;
  /** Per test image: its index in the split, the image and its true labels (PNG bytes). */
  images: { index: number; input: Uint8Array; truth: Uint8Array }[];
  /** Per method: the seed whose model predicted, one overlay PNG per image. */
  methods: { method: string; seed: number; overlays: Uint8Array[] }[];
}

/** Everything {@link renderStudyReport} shows that is not in the summary. */
export interface ReportAssets {
  /** The drop rate of each mode's learning curves and predictions (see {@link reportRates}). */
  rates: Partial<Record<DropMode, number>>;
  curves: ReportCurve[];
  predictions: ReportPredictions | null;
  /** Why something is missing (no dataset, a run without metrics.json, ...), shown in the report. */
  notes: string[];
}

/** Options of {@link collectReportAssets}. */
export interface ReportAssetOptions {
  /** Dataset folder (default: `summary.config.data`). */
  data?: string;
  /** Test images shown (default 4). */
  images?: number;
  /** Opacity of the class colours over the image (default 0.5). */
  alpha?: number;
}

const WHERE = 'collectReportAssets';

/**
 * The rate shown per drop mode: the upper median of the mode's non-zero rates (0.6 of 0, 0.3, 0.6,
 * 0.9), where the losses differ and labels are still there to learn from; 0 for `'none'`.
 *
 * @example
 * ```ts
 * reportRates(summary); // { object: 0.6, class: 0.6, none: 0 }
 * ```
 */
export function reportRates(summary: StudySummary): Partial<Record<DropMode, number>> {
  const out: Partial<Record<DropMode, number>> = {};
  for (const mode of new Set(summary.groups.map((g) => g.dropMode))) {
    const rates = [...new Set(summary.groups.filter((g) => g.dropMode === mode).map((g) => g.dropRate))];
    const nonZero = rates.filter((r) => r > 0).sort((a, b) => a - b);
    out[mode] = nonZero.length === 0 ? Math.min(...rates) : nonZero[Math.floor(nonZero.length / 2)];
  }
  return out;
}

/** Methods at (mode, rate), in the summary's group order, then the oracle when it is not among them. */
export function methodsAt(summary: StudySummary, mode: DropMode, rate: number): string[] {
  const here = summary.groups.filter((g) => g.dropMode === mode && g.dropRate === rate).map((g) => g.method);
  const oracle = summary.groups.some((g) => g.method === 'oracle') && !here.includes('oracle');
  return oracle ? [...here, 'oracle'] : here;
}

/** The finished runs of `method` at (mode, rate); the oracle's at its own setting. */
function runsOf(summary: StudySummary, method: string, mode: DropMode, rate: number) {
  return summary.runs.filter(
    (r) =>
      r.method === method &&
      r.meanIoU !== null &&
      (method === 'oracle' || (r.dropMode === mode && r.dropRate === rate)),
  );
}

/** Validation curve of one run folder, or null when it has no readable metrics.json. */
function readCurve(dir: string): { steps: number[]; meanIoU: (number | null)[] } | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as {
      validation?: { step: number; meanIoU: number | null }[];
    };
    if (!Array.isArray(m.validation)) return null;
    return { steps: m.validation.map((v) => v.step), meanIoU: m.validation.map((v) => v.meanIoU) };
  } catch {
    return null;
  }
}

/** RGB overlay PNG of `labels` over item `index` of `source` (label 255 = ignore shown as background). */
function overlayPng(
  source: ItemSource,
  item: LoadedItem,
  labels: ArrayLike<number>,
  alpha: number,
): Uint8Array {
  const clean = Uint8Array.from(labels, (k) => (k === 255 ? 0 : k));
  const rgb = overlay(item.image, source.channels, clean, classPalette(source.classNames.length), alpha);
  return encodePng({ width: item.width, height: item.height, rgb });
}

/** `k` indices spread evenly over `[0, n)`: `floor(i * n / k)`. */
export function spreadIndices(n: number, k: number): number[] {
  return [...new Set(Array.from({ length: Math.min(n, k) }, (_, i) => Math.floor((i * n) / Math.min(n, k))))];
}

async function collectPredictions(
  outDir: string,
  summary: StudySummary,
  mode: DropMode,
  rate: number,
  options: ReportAssetOptions,
  notes: string[],
): Promise<ReportPredictions | null> {
  const data = options.data ?? (typeof summary.config.data === 'string' ? summary.config.data : undefined);
  const split = typeof summary.config.split === 'string' ? summary.config.split : 'test';
  if (data === undefined || !existsSync(data)) {
    notes.push(`No predictions: the dataset folder ${data ?? '(not in the summary)'} was not found.`);
    return null;
  }
  let source: ItemSource;
  try {
    source = openSplit(data.split(','), split).source;
  } catch (e) {
    notes.push(`No predictions: ${(e as Error).message}`);
    return null;
  }
  const indices = spreadIndices(source.n, options.images ?? 4);
  const alpha = options.alpha ?? 0.5;
  const items = await Promise.all(indices.map((index) => source.item(index)));
  const images = indices.map((index, k) => ({
    index,
    input: overlayPng(source, items[k], new Uint8Array(items[k].height * items[k].width), alpha),
    truth: overlayPng(source, items[k], items[k].mask, alpha),
  }));
  const methods = methodsAt(summary, mode, rate);
  // One seed for every method where possible, so the overlays differ by method only.
  const seedsOf = methods.map((m) => runsOf(summary, m, mode, rate).map((r) => r.seed));
  const common = seedsOf[0]?.find((s) => seedsOf.every((list) => list.includes(s)));
  const out: ReportPredictions['methods'] = [];
  methods.forEach((method, i) => {
    const run = runsOf(summary, method, mode, rate).find((r) => r.seed === (common ?? seedsOf[i][0]));
    if (run === undefined) return;
    try {
      const loaded = loadRun(join(outDir, run.dir), WHERE);
      const [h, w, ch] = loaded.config.model.inputShape;
      if (items.some((it) => it.height !== h || it.width !== w) || ch !== source.channels) {
        loaded.model.dispose();
        notes.push(`No predictions of ${method}: its model expects ${h}x${w}x${ch} images.`);
        return;
      }
      const p = h * w * ch;
      const x = new Float32Array(indices.length * p);
      items.forEach((it, k) => x.set(it.image, k * p));
      const labels = predictLabels(loaded.model, { data: x, shape: [indices.length, h, w, ch] });
      loaded.model.dispose();
      out.push({
        method,
        seed: run.seed,
        overlays: indices.map((index, k) =>
          overlayPng(source, items[k], labels.subarray(k * h * w, (k + 1) * h * w), alpha),
        ),
      });
    } catch (e) {
      notes.push(`No predictions of ${method}: ${(e as Error).message}`);
    }
  });
  return { dropMode: mode, dropRate: rate, split, images, methods: out };
}

/**
 * Reads the report's assets from the study folder `outDir`: the validation curves of every finished
 * run at each mode's {@link reportRates} rate (and the oracle's), and the predictions of the first
 * common seed's model of every method at the first drop mode's rate on `images` test images spread
 * over the split (`floor(i * n / images)`). Call after `setupBackend` (models are loaded with
 * `loadRun`). What cannot be read is listed in `notes`, never thrown.
 *
 * @example
 * ```ts
 * await setupBackend();
 * const assets = await collectReportAssets('runs/study', summary);
 * writeFileAtomic('report', 'runs/study/report.html', renderStudyReport(summary, assets));
 * ```
 */
export async function collectReportAssets(
  outDir: string,
  summary: StudySummary,
  options: ReportAssetOptions = {},
): Promise<ReportAssets> {
  const rates = reportRates(summary);
  const notes: string[] = [];
  const curves: ReportCurve[] = [];
  const seen = new Set<string>();
  for (const [mode, rate] of Object.entries(rates) as [DropMode, number][]) {
    for (const method of methodsAt(summary, mode, rate)) {
      for (const run of runsOf(summary, method, mode, rate)) {
        if (seen.has(run.dir)) continue;
        seen.add(run.dir);
        const c = readCurve(join(outDir, run.dir));
        if (c === null) notes.push(`No learning curve for ${run.dir}: no readable metrics.json.`);
        else curves.push({ method, dropMode: run.dropMode, dropRate: run.dropRate, seed: run.seed, ...c });
      }
    }
  }
  const modes = Object.keys(rates) as DropMode[];
  const mode = modes.find((m) => m !== 'none') ?? modes[0];
  const predictions =
    mode === undefined
      ? null
      : await collectPredictions(outDir, summary, mode, rates[mode] as number, options, notes);
  return { rates, curves, predictions, notes };
}

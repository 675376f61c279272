/**
 * The runs of a study: methods (losses, partial-label losses with inferred annotated classes, and
 * baselines) x settings (drop mode, drop rate) x seeds, each with its folder and its `segloss train`
 * flags. Paired by design: at one seed every method gets the same dropped labels (`--drop-seed` =
 * seed), the same initial weights (`--seed`) and, training on the same images, the same batch order.
 */
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { getLoss } from '../losses/registry.js';
import { DROP_MODES, type LabelDropMode } from '../synth/drop-modes.js';
import type { DropMode } from './study-types.js';

/** Baselines a study can add beside its losses. */
export const BASELINES = ['oracle', 'drop-incomplete', 'ignore-background'] as const;
export type Baseline = (typeof BASELINES)[number];

/** How partial-label losses learn which classes an image annotates. */
export type AnnotatedSource = 'explicit' | 'infer';

/** What to run (the flags of `segloss experiment`). */
export interface StudyConfig {
  /** Dataset folder with train, val and test splits; for drop modes its training labels must be complete. */
  data: string;
  losses: string[];
  seeds: number[];
  /** Results folder. */
  out: string;
  /** Split the runs are evaluated on (default 'test'). */
  split?: string;
  /** Options per loss name, passed as `train --options`. */
  lossOptions?: Record<string, Record<string, unknown>>;
  /** Further `segloss train` flags for every run, e.g. `['--steps', '300', '--batch', '8']`. */
  trainArgs?: string[];
  /** `auto | wasm | cpu | node`, passed to every run. */
  backend?: string;
  /** Label settings; empty or absent: the data's labels as they are. */
  dropModes?: LabelDropMode[];
  dropRates?: number[];
  /** For losses that take `annotated`: explicit masks (annotated.json), inferred, or both (default explicit). */
  annotated?: AnnotatedSource[];
  baselines?: Baseline[];
  /** The method every other is compared with (default 'crossentropy'). */
  reference?: string;
}

/** A method: what `segloss train` is asked to do for it. */
export interface StudyMethod {
  name: string;
  loss: string;
  options?: Record<string, unknown>;
  flags: string[];
  /** False for the oracle: it trains on the full labels. */
  dropsLabels: boolean;
}

/** One planned run. */
export interface PlannedStudyRun {
  /** `<mode>-<rate>/<method>/seed-<s>`, `oracle/seed-<s>`, or `<method>/seed-<s>` without drop modes. */
  id: string;
  method: StudyMethod;
  dropMode: DropMode;
  dropRate: number;
  seed: number;
  /** Absolute or `out`-relative folder (`join(out, id)`). */
  dir: string;
}

const WHERE = 'segloss experiment';

/** The methods of `config`, in table order: losses (explicit, then `@infer`), then baselines. */
export function studyMethods(config: StudyConfig): StudyMethod[] {
  const sources = config.annotated ?? ['explicit'];
  const out: StudyMethod[] = [];
  for (const loss of config.losses) {
    const takesAnnotated = 'annotated' in getLoss(loss).defaults;
    const options = config.lossOptions?.[loss];
    for (const s of takesAnnotated ? sources : ['explicit']) {
      const name = s === 'infer' ? `${loss}@infer` : loss;
      const opts = s === 'infer' ? { ...options, annotated: 'infer' } : options;
      out.push({
        name,
        loss,
        ...(opts === undefined ? {} : { options: opts }),
        flags: [],
        dropsLabels: true,
      });
    }
  }
  const reference = config.reference ?? 'crossentropy';
  for (const b of config.baselines ?? []) {
    const flags =
      b === 'drop-incomplete'
        ? ['--images', 'complete']
        : b === 'ignore-background'
          ? ['--ignore-incomplete-background']
          : [];
    out.push({ name: b, loss: reference, flags, dropsLabels: b !== 'oracle' });
  }
  return out;
}

/** Checks a study config before anything is written or spawned. @throws SeglossError naming the flag. */
export function checkStudyConfig(config: StudyConfig): void {
  const dupes = (name: string, list: readonly unknown[]) => {
    if (new Set(list).size !== list.length) fail(WHERE, `--${name} has duplicates`);
  };
  if (config.losses.length === 0) fail(WHERE, '--losses is empty; expected at least one loss name');
  if (config.seeds.length === 0) fail(WHERE, '--seeds is empty; expected at least one seed');
  dupes('losses', config.losses);
  dupes('seeds', config.seeds);
  for (const loss of config.losses) getLoss(loss);
  for (const s of config.seeds)
    if (!Number.isInteger(s) || s < 0) fail(WHERE, `--seeds: ${s} is not an integer >= 0`);
  const modes = config.dropModes ?? [];
  const rates = config.dropRates ?? [];
  dupes('drop-mode', modes);
  dupes('drop-rates', rates);
  for (const m of modes) {
    if (!(DROP_MODES as readonly string[]).includes(m))
      fail(WHERE, `--drop-mode '${m}'; expected ${DROP_MODES.join(', ')}`);
  }
  for (const r of rates) if (!(r >= 0 && r <= 1)) fail(WHERE, `--drop-rates: ${r} is not in [0, 1]`);
  if (modes.length > 0 && rates.length === 0) fail(WHERE, '--drop-mode needs --drop-rates');
  if (modes.length === 0 && rates.length > 0) fail(WHERE, '--drop-rates needs --drop-mode');
  for (const a of config.annotated ?? []) {
    if (a !== 'explicit' && a !== 'infer') fail(WHERE, `--annotated '${a}'; expected explicit or infer`);
  }
  for (const b of config.baselines ?? []) {
    if (!(BASELINES as readonly string[]).includes(b))
      fail(WHERE, `--baselines '${b}'; expected ${BASELINES.join(', ')}`);
  }
  if ((config.baselines ?? []).includes('oracle') && modes.length === 0) {
    fail(
      WHERE,
      '--baselines oracle needs --drop-mode: without dropped labels there is no full-label oracle to compare',
    );
  }
  const reference = config.reference ?? 'crossentropy';
  getLoss(reference);
  dupes(
    'losses and baselines',
    studyMethods(config).map((m) => m.name),
  );
}

/** Folder name of a drop setting: `object-0.3`. */
export function settingName(mode: DropMode, rate: number): string {
  return mode === 'none' ? '' : `${mode}-${rate}`;
}

/**
 * Every run of `config`, in the order they are started: seeds outermost (so that a study cut short
 * has whole seeds of every method), then settings, then methods; the oracle once per seed.
 */
export function planStudy(config: StudyConfig): PlannedStudyRun[] {
  checkStudyConfig(config);
  const methods = studyMethods(config);
  const modes = config.dropModes ?? [];
  const settings: [DropMode, number][] =
    modes.length === 0
      ? [['none', 0]]
      : modes.flatMap((m) => (config.dropRates ?? []).map((r) => [m, r] as [DropMode, number]));
  const runs: PlannedStudyRun[] = [];
  for (const seed of config.seeds) {
    for (const method of methods.filter((m) => !m.dropsLabels)) {
      const id = `${method.name}/seed-${seed}`;
      runs.push({ id, method, dropMode: 'none', dropRate: 0, seed, dir: join(config.out, id) });
    }
    for (const [mode, rate] of settings) {
      for (const method of methods.filter((m) => m.dropsLabels)) {
        const id = [settingName(mode, rate), method.name, `seed-${seed}`].filter((s) => s !== '').join('/');
        runs.push({ id, method, dropMode: mode, dropRate: rate, seed, dir: join(config.out, id) });
      }
    }
  }
  return runs;
}

/** The `segloss train` arguments of a run (`resume` adds `--resume`). */
export function trainArgsOf(run: PlannedStudyRun, config: StudyConfig, resume: boolean): string[] {
  const args = ['train', '--data', config.data, '--loss', run.method.loss, '--seed', String(run.seed)];
  args.push('--out', run.dir, ...(config.trainArgs ?? []));
  // The pool fills the cores with runs: one worker per run unless trainArgs ask for more.
  if (!(config.trainArgs ?? []).includes('--workers')) args.push('--workers', '1');
  if (config.backend !== undefined) args.push('--backend', config.backend);
  args.push(...run.method.flags);
  if (run.method.options !== undefined) args.push('--options', JSON.stringify(run.method.options));
  if (run.dropMode !== 'none') {
    args.push(
      '--drop-mode',
      run.dropMode,
      '--drop-rate',
      String(run.dropRate),
      '--drop-seed',
      String(run.seed),
    );
  }
  if (resume) args.push('--resume');
  return args;
}

/** The `segloss eval --json` arguments of a run. */
export function evalArgsOf(run: PlannedStudyRun, config: StudyConfig): string[] {
  const args = [
    'eval',
    '--model',
    run.dir,
    '--data',
    config.data,
    '--split',
    config.split ?? 'test',
    '--json',
  ];
  if (config.backend !== undefined) args.push('--backend', config.backend);
  return args;
}

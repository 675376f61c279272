/**
 * `summary.json` of a study (schema: study-types.ts) from its folder: the planned runs, each run's
 * `eval.json`, aggregates over seeds with 95% t-intervals, the gap to the oracle, and paired t-tests
 * against the reference method with Holm's correction.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fail } from '../core/errors.js';
import { holm, meanInterval, pairedTTest } from './statistics.js';
import { planStudy, type PlannedStudyRun, type StudyConfig } from './study-plan.js';
import type {
  Aggregate,
  StudyComparison,
  StudyEnvironment,
  StudyGroup,
  StudyRun,
  StudySummary,
} from './study-types.js';

/** The fields of `segloss eval --json` a study reads. */
interface EvalScores {
  meanIoU: number | null;
  perClass: {
    name: string;
    iou: number | null;
    dice: number | null;
    absentFalsePositiveImageRate: number | null;
  }[];
}

/** A run's scores from `dir/eval.json` (its last line), or null when it is missing or unreadable. */
export function readRunScores(dir: string): EvalScores | null {
  try {
    const lines = readFileSync(join(dir, 'eval.json'), 'utf8').trim().split('\n');
    const parsed = JSON.parse(lines[lines.length - 1]) as EvalScores;
    return Array.isArray(parsed.perClass) ? parsed : null;
  } catch {
    return null;
  }
}

/** The end of a run's `log.txt` (why it failed), or undefined. */
function logTail(dir: string): string | undefined {
  try {
    const lines = readFileSync(join(dir, 'log.txt'), 'utf8').trim().split('\n');
    return lines.slice(-3).join('\n') || undefined;
  } catch {
    return undefined;
  }
}

/** One run's row of summary.json (`error` set when it has no scores but a log). */
export function studyRunOf(run: PlannedStudyRun, out: string): StudyRun {
  const s = readRunScores(run.dir);
  const classes = s?.perClass ?? [];
  const row: StudyRun = {
    method: run.method.name,
    dropMode: run.dropMode,
    dropRate: run.dropRate,
    seed: run.seed,
    meanIoU: s?.meanIoU ?? null,
    perClassIoU: classes.map((c) => c.iou),
    perClassDice: classes.map((c) => c.dice),
    absentFalsePositiveRate: classes.map((c, k) => (k === 0 ? null : c.absentFalsePositiveImageRate)),
    dir: relative(out, run.dir),
  };
  if (s === null) {
    const tail = logTail(run.dir);
    if (tail !== undefined) row.error = tail;
  }
  return row;
}

const aggregate = (values: (number | null)[]): Aggregate => ({ ...meanInterval(values), values });

/** Mean over foreground classes of the defined absent-class false-positive rates of a run. */
function meanAbsentRate(run: StudyRun): number | null {
  const v = run.absentFalsePositiveRate.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
}

/**
 * Aggregates `runs` into groups (method, mode, rate) and comparisons against `reference` at the same
 * (mode, rate), paired by seed, with Holm's correction across all comparisons.
 */
export function aggregateStudy(
  runs: readonly StudyRun[],
  seeds: readonly number[],
  reference: string,
): { groups: StudyGroup[]; comparisons: StudyComparison[] } {
  const key = (r: { method: string; dropMode: string; dropRate: number }) =>
    `${r.method}|${r.dropMode}|${r.dropRate}`;
  const bySeed = new Map<string, Map<number, StudyRun>>();
  for (const r of runs) {
    const k = key(r);
    if (!bySeed.has(k)) bySeed.set(k, new Map());
    bySeed.get(k)?.set(r.seed, r);
  }
  const values = (k: string, f: (r: StudyRun) => number | null) =>
    seeds.map((s) => {
      const r = bySeed.get(k)?.get(s);
      return r === undefined ? null : f(r);
    });
  const oracle = (s: number) => bySeed.get('oracle|none|0')?.get(s)?.meanIoU ?? null;
  const hasOracle = bySeed.has('oracle|none|0');
  const classCount = Math.max(0, ...runs.map((r) => r.perClassIoU.length));
  const groups: StudyGroup[] = [...bySeed.keys()].map((k) => {
    const first = [...(bySeed.get(k) as Map<number, StudyRun>).values()][0];
    const miou = values(k, (r) => r.meanIoU);
    return {
      method: first.method,
      dropMode: first.dropMode,
      dropRate: first.dropRate,
      seeds: [...seeds],
      meanIoU: aggregate(miou),
      perClassIoU: Array.from({ length: classCount }, (_, c) =>
        aggregate(values(k, (r) => r.perClassIoU[c] ?? null)),
      ),
      perClassDice: Array.from({ length: classCount }, (_, c) =>
        aggregate(values(k, (r) => r.perClassDice[c] ?? null)),
      ),
      absentFalsePositiveRate: aggregate(values(k, meanAbsentRate)),
      gapToOracle:
        hasOracle && first.dropMode !== 'none'
          ? aggregate(
              seeds.map((s, i) =>
                oracle(s) === null || miou[i] === null ? null : (oracle(s) as number) - (miou[i] as number),
              ),
            )
          : null,
    };
  });
  const comparisons: StudyComparison[] = [];
  for (const g of groups) {
    if (g.method === reference || g.method === 'oracle') continue;
    const refKey = `${reference}|${g.dropMode}|${g.dropRate}`;
    if (!bySeed.has(refKey)) continue;
    const test = pairedTTest(
      g.meanIoU.values,
      values(refKey, (r) => r.meanIoU),
    );
    comparisons.push({
      method: g.method,
      reference,
      dropMode: g.dropMode,
      dropRate: g.dropRate,
      n: test.n,
      meanDifference: test.mean,
      ci95: test.ci95,
      t: test.t === null || Number.isFinite(test.t) ? test.t : null,
      df: test.df,
      p: test.p,
      pHolm: null,
      wins: test.wins,
      losses: test.losses,
      ties: test.ties,
    });
  }
  const adjusted = holm(comparisons.map((c) => c.p));
  comparisons.forEach((c, i) => (c.pHolm = adjusted[i]));
  return { groups, comparisons };
}

/**
 * The study's summary from its folder: the config saved by `segloss experiment` (`experiment.json`),
 * every planned run's `eval.json` (unfinished runs have null scores), and the aggregates.
 *
 * @example
 * ```ts
 * const summary = buildStudySummary('runs/study', environment);
 * summary.groups.find((g) => g.method === 'marginal-crossentropy')?.meanIoU.ci95;
 * ```
 */
export function buildStudySummary(out: string, environment: StudyEnvironment): StudySummary {
  const config = readStudyConfig(out);
  const plan = planStudy({ ...config, out });
  const runs = plan.map((r) => studyRunOf(r, out));
  const classNames = readClassNames(out, plan);
  const { groups, comparisons } = aggregateStudy(runs, config.seeds, config.reference ?? 'crossentropy');
  return {
    format: 'segloss-study',
    version: 1,
    config: config as unknown as Record<string, unknown>,
    classNames,
    runs,
    groups,
    comparisons,
    environment,
  };
}

/** The class names of the first finished run (its eval.json), or []. */
function readClassNames(out: string, plan: readonly PlannedStudyRun[]): string[] {
  for (const r of plan) {
    const s = readRunScores(r.dir);
    if (s !== null) return s.perClass.map((c) => c.name);
  }
  return [];
}

/** `experiment.json` of a study folder. @throws SeglossError when it is missing or not a study. */
export function readStudyConfig(out: string): StudyConfig {
  const path = join(out, 'experiment.json');
  let parsed: { format?: string; config?: StudyConfig };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(
      'readStudyConfig',
      `${path}: ${(e as Error).message}; expected a folder written by segloss experiment`,
    );
  }
  if (parsed.format !== 'segloss-experiment' || parsed.config === undefined) {
    fail('readStudyConfig', `${path} is not a segloss experiment file`);
  }
  return parsed.config;
}

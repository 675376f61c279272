/**
 * A hand-made study summary (segloss-study v1) and report assets for the report's tests: two losses
 * and the oracle, object drop at rates 0.3 and 0.6, seeds 1 and 2, with strings that need escaping.
 * The aggregates are hand-computed from the two seeds' values (t(0.975, 1) = 12.706204736).
 */
import { encodePng } from '../../src/data/png-encode.js';
import type { ReportAssets } from '../../src/experiment/study-report-assets.js';
import type { Aggregate, StudyGroup, StudyRun, StudySummary } from '../../src/experiment/study-types.js';

const T975_1 = 12.706204736174707;

/** mean, sd and 95% t-interval of two values, by hand: sd = |a - b| / sqrt 2, half-width = t * sd / sqrt 2. */
export function agg2(a: number, b: number): Aggregate {
  const mean = (a + b) / 2;
  const sd = Math.abs(a - b) / Math.SQRT2;
  const h = (T975_1 * sd) / Math.SQRT2;
  return { mean, sd, ci95: [mean - h, mean + h], n: 2, values: [a, b] };
}

const METHODS = ['crossentropy', 'marginal-crossentropy'] as const;
/** Test mean IoU per method, rate, seed (seeds 1, 2). */
export const VALUES: Record<string, Record<string, [number, number]>> = {
  crossentropy: { '0.3': [0.91234, 0.9031], '0.6': [0.71, 0.6625] },
  'marginal-crossentropy': { '0.3': [0.9401, 0.93], '0.6': [0.88, 0.8712] },
};
export const ORACLE: [number, number] = [0.955, 0.9611];

function run(method: string, mode: 'none' | 'object', rate: number, seed: number, miou: number): StudyRun {
  return {
    method,
    dropMode: mode,
    dropRate: rate,
    seed,
    meanIoU: miou,
    perClassIoU: [0.99, miou, miou - 0.01],
    perClassDice: [0.995, miou, miou],
    absentFalsePositiveRate: [null, method === 'crossentropy' ? 0.25 : 0.5, 0.125],
    dir: mode === 'none' ? `${method}/seed-${seed}` : `${mode}-${rate}/${method}/seed-${seed}`,
  };
}

function group(method: string, mode: 'none' | 'object', rate: number, v: [number, number]): StudyGroup {
  const fp = method === 'crossentropy' ? 0.1875 : method === 'oracle' ? 0.1875 : 0.3125;
  return {
    method,
    dropMode: mode,
    dropRate: rate,
    seeds: [1, 2],
    meanIoU: agg2(v[0], v[1]),
    perClassIoU: [agg2(0.99, 0.99), agg2(v[0], v[1]), agg2(v[0] - 0.01, v[1] - 0.01)],
    perClassDice: [agg2(0.995, 0.995), agg2(v[0], v[1]), agg2(v[0], v[1])],
    absentFalsePositiveRate: agg2(fp, fp),
    gapToOracle: mode === 'none' ? null : agg2(ORACLE[0] - v[0], ORACLE[1] - v[1]),
  };
}

/** The hand-made summary; its data path, command and a class name hold `<`, `&`, `"` and `'`. */
export function handSummary(): StudySummary {
  const runs: StudyRun[] = [];
  const groups: StudyGroup[] = [];
  for (const m of METHODS) {
    for (const rate of [0.3, 0.6]) {
      const v = VALUES[m][String(rate)];
      runs.push(run(m, 'object', rate, 1, v[0]), run(m, 'object', rate, 2, v[1]));
      groups.push(group(m, 'object', rate, v));
    }
  }
  runs.push(run('oracle', 'none', 0, 1, ORACLE[0]), run('oracle', 'none', 0, 2, ORACLE[1]));
  groups.push(group('oracle', 'none', 0, ORACLE));
  const comparison = (rate: number, d: [number, number], p: number, pHolm: number) => {
    const a = agg2(d[0], d[1]);
    return {
      method: 'marginal-crossentropy',
      reference: 'crossentropy',
      dropMode: 'object' as const,
      dropRate: rate,
      n: 2,
      meanDifference: a.mean,
      ci95: a.ci95,
      t: (a.mean as number) / ((a.sd as number) / Math.SQRT2),
      df: 1,
      p,
      pHolm,
      wins: 2,
      losses: 0,
      ties: 0,
    };
  };
  const v = VALUES;
  return {
    format: 'segloss-study',
    version: 1,
    config: {
      data: 'data/<script>alert("x")</script>',
      losses: [...METHODS],
      seeds: [1, 2],
      out: 'study',
      dropModes: ['object'],
      dropRates: [0.3, 0.6],
      baselines: ['oracle'],
      trainArgs: ['--steps', '300', '--batch', '8'],
    },
    classNames: ['background', 'circle', "a<b & 'c'"],
    runs,
    groups,
    comparisons: [
      comparison(
        0.3,
        [
          v['marginal-crossentropy']['0.3'][0] - v.crossentropy['0.3'][0],
          v['marginal-crossentropy']['0.3'][1] - v.crossentropy['0.3'][1],
        ],
        0.0421,
        0.0842,
      ),
      comparison(
        0.6,
        [
          v['marginal-crossentropy']['0.6'][0] - v.crossentropy['0.6'][0],
          v['marginal-crossentropy']['0.6'][1] - v.crossentropy['0.6'][1],
        ],
        0.1234,
        0.1234,
      ),
    ],
    environment: {
      seglossVersion: '0.1.0',
      gitCommit: 'abc123',
      tfjsVersion: '4.22.0',
      backend: 'wasm',
      datasetHash: 'ff00',
      command: 'segloss experiment --data "d<1>" --out study',
      node: 'v20.0.0',
      cpus: 2,
    },
  };
}

/** A 2x2 RGB PNG of one colour. */
export const solidPng = (r: number, g: number, b: number): Uint8Array =>
  encodePng({ width: 2, height: 2, rgb: Uint8Array.from({ length: 12 }, (_, i) => [r, g, b][i % 3]) });

/** Assets for {@link handSummary}: curves of every run at rate 0.6 and the oracle, two test images. */
export function handAssets(): ReportAssets {
  const curve = (method: string, mode: 'none' | 'object', rate: number, seed: number) => ({
    method,
    dropMode: mode,
    dropRate: rate,
    seed,
    steps: [50, 100, 150],
    meanIoU: [0.5 + 0.01 * seed, 0.7, method === 'oracle' ? 0.95 : null],
  });
  return {
    rates: { object: 0.6, none: 0 },
    curves: [
      ...METHODS.flatMap((m) => [curve(m, 'object', 0.6, 1), curve(m, 'object', 0.6, 2)]),
      curve('oracle', 'none', 0, 1),
      curve('oracle', 'none', 0, 2),
    ],
    predictions: {
      dropMode: 'object',
      dropRate: 0.6,
      split: 'test',
      images: [
        { index: 0, input: solidPng(10, 10, 10), truth: solidPng(200, 0, 0) },
        { index: 5, input: solidPng(20, 20, 20), truth: solidPng(0, 200, 0) },
      ],
      methods: [...METHODS, 'oracle'].map((method, k) => ({
        method,
        seed: 1,
        overlays: [solidPng(k, 1, 2), solidPng(k, 3, 4)],
      })),
    },
    notes: ['No learning curve for <odd>/seed-9: no readable metrics.json.'],
  };
}

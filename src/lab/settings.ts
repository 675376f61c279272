/**
 * The lab pages' URL settings (`?seed=7&n=6&size=48&missing=2&quality=3`, `?seed=1&loss=focal`):
 * parsed with the ranges of the matching CLI flags, with a one-line error naming the parameter.
 */
import { fail } from '../core/errors.js';
import type { PostDemoOptions } from '../experiment/post-demo.js';
import { getLoss } from '../losses/registry.js';

/** The post page's settings, all given (`segloss demo`'s defaults where the URL has none). */
export type PostSettings = Required<PostDemoOptions>;

function intParam(
  where: string,
  q: URLSearchParams,
  key: string,
  fallback: number,
  min: number,
  max: number,
) {
  const raw = q.get(key);
  if (raw === null || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max)
    fail(where, `URL parameter ${key}='${raw}'; expected an integer in [${min}, ${max}]`);
  return v;
}

/**
 * The post page's settings from a query string; defaults are `segloss demo`'s (n 8, size 64,
 * missing 2, seed 0, quality 3). The page caps n at 16 and size at 128 to stay interactive.
 *
 * @example
 * ```ts
 * parsePostSettings('?seed=7&n=6&size=48&missing=2&quality=3'); // {seed: 7, n: 6, size: 48, missing: 2, quality: 3}
 * ```
 */
export function parsePostSettings(search: string): PostSettings {
  const where = 'lab post page';
  const q = new URLSearchParams(search);
  const n = intParam(where, q, 'n', 8, 1, 16);
  const size = intParam(where, q, 'size', 64, 6, 128);
  const missing = intParam(where, q, 'missing', 2, 0, 3 * n);
  const seed = intParam(where, q, 'seed', 0, 0, 2 ** 32 - 1);
  const rawQ = q.get('quality');
  const quality = rawQ === null || rawQ === '' ? 3 : Number(rawQ);
  if (!Number.isFinite(quality) || quality < 0 || quality > 100)
    fail(where, `URL parameter quality='${rawQ}'; expected a number in [0, 100]`);
  return { n, size, missing, seed, quality };
}

/** The query string of post settings, in the order of the URL example. */
export function postSettingsQuery(s: PostSettings): string {
  return `?seed=${s.seed}&n=${s.n}&size=${s.size}&missing=${s.missing}&quality=${s.quality}`;
}

/** The train page's URL settings. */
export interface TrainUrlSettings {
  readonly seed: number;
  /** One to three loss names (`loss=a,b` or repeated `loss=`). */
  readonly losses: readonly string[];
  /** Missing rate in [0, 1]. */
  readonly missingRate: number;
  /** Stop after this many steps (0 = no limit). */
  readonly maxSteps: number;
  /** Image size (`size`), a multiple of 4 in [16, 128]. */
  readonly size: number;
  /** Images per batch (`batch`), in [1, 64]. */
  readonly batchSize: number;
  /** U-Net filters at the first level (`filters`), in [1, 64]. */
  readonly baseFilters: number;
  /** Batch normalisation in the U-Net (`bn=1`, the default, or `bn=0`). */
  readonly batchNorm: boolean;
  /** Workers per model's step (`workers`), 1 to the batch size; 0 = the page's default. */
  readonly workers: number;
}

/**
 * The train page's settings from a query string: `seed` (default 1), `loss` (comma-separated or
 * repeated, 1 to 3 registered names; default cross-entropy and the missing-aware loss), `missing`
 * (rate, default 0.3), `steps` (0 = until paused, default 0), `size` (default 32), `batch` (default
 * 8), `filters` (default 8), `bn` (1 or 0, default 1) and `workers` (1 to `batch`; default 0, which
 * lets the page choose).
 *
 * @example
 * ```ts
 * parseTrainSettings('?seed=3&loss=focal').losses; // ['focal']
 * parseTrainSettings('?size=64&batch=16&filters=16&workers=2').workers; // 2
 * ```
 */
export function parseTrainSettings(search: string): TrainUrlSettings {
  const where = 'lab train page';
  const q = new URLSearchParams(search);
  const seed = intParam(where, q, 'seed', 1, 0, 2 ** 31 - 1);
  const maxSteps = intParam(where, q, 'steps', 0, 0, 1_000_000);
  const named = q
    .getAll('loss')
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
  const losses = named.length > 0 ? named : ['crossentropy', 'missing-aware-crossentropy'];
  if (losses.length > 3) fail(where, `URL parameter loss names ${losses.length} losses; expected 1 to 3`);
  losses.forEach((name) => getLoss(name));
  const rawM = q.get('missing');
  const missingRate = rawM === null || rawM === '' ? 0.3 : Number(rawM);
  if (!(missingRate >= 0 && missingRate <= 1))
    fail(where, `URL parameter missing='${rawM}'; expected a number in [0, 1]`);
  const size = intParam(where, q, 'size', 32, 16, 128);
  if (size % 4 !== 0) fail(where, `URL parameter size='${size}'; expected a multiple of 4`);
  const batchSize = intParam(where, q, 'batch', 8, 1, 64);
  const baseFilters = intParam(where, q, 'filters', 8, 1, 64);
  const batchNorm = intParam(where, q, 'bn', 1, 0, 1) === 1;
  const workers = intParam(where, q, 'workers', 0, 0, batchSize);
  return { seed, losses, missingRate, maxSteps, size, batchSize, baseFilters, batchNorm, workers };
}

import { SeglossError } from '../core/errors.js';
import { loadMask, openDataset, type Dataset } from './dataset.js';
import { decodeImageFile } from './image-io.js';
import { splitNames } from './layout.js';

/** A bad file and what is wrong with it. */
export interface FileProblem {
  readonly file: string;
  readonly problem: string;
}

const problemOf = (e: unknown, file: string): FileProblem => {
  const m = e instanceof SeglossError ? /^segloss: [^:]+: (.*?): (.*)$/.exec(e.message) : null;
  return m ? { file: m[1], problem: m[2] } : { file, problem: (e as Error).message };
};

/**
 * Decodes every mask of `dataset` once and returns the files whose mask cannot be decoded, differs in
 * size from its image or holds a value that is neither a class of its folder nor 255. `onMask`
 * receives each good mask (global classes) with its item index.
 */
export function maskProblems(
  dataset: Dataset,
  onMask?: (mask: Uint8Array, index: number) => void,
): FileProblem[] {
  const out: FileProblem[] = [];
  dataset.items.forEach((item, i) => {
    try {
      const mask = loadMask(dataset, item);
      onMask?.(mask, i);
    } catch (e) {
      out.push(problemOf(e, item.maskPath));
    }
  });
  return out;
}

/** Statistics of one split (see {@link inspectDataset}). */
export interface SplitReport {
  readonly split: string | null;
  readonly images: number;
  readonly height: readonly [number, number];
  readonly width: readonly [number, number];
  /** Labelled pixels per class over the split's masks (ignore excluded). */
  readonly classPixels: readonly number[];
  /** `classPixels` divided by all labelled pixels. */
  readonly classFrequency: readonly number[];
  /** Images whose annotated set contains the class. */
  readonly annotatedImages: readonly number[];
  /** Pixels labelled 255 over all pixels. */
  readonly ignoreFraction: number;
}

/** What `segloss inspect` reports. */
export interface InspectReport {
  readonly dirs: readonly string[];
  readonly layouts: readonly string[];
  /** Merged classes, with the folders that annotate each. */
  readonly classes: readonly {
    name: string;
    color: readonly number[] | null;
    annotatedIn: readonly string[];
  }[];
  readonly channels: 1 | 3;
  readonly splits: readonly SplitReport[];
  /** Per-channel mean and standard deviation of the image values in [0, 1], over every split's images. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly problems: readonly FileProblem[];
}

/**
 * Checks and describes a dataset (one folder or a union): every split's files (split lists naming
 * existing files, `annotated.json` entries, mask size = image size, mask values within the classes
 * or 255, images decodable), decoding each mask and image once. Image statistics are accumulated in
 * float64 as sums of `x` and `x^2` per channel: `std = sqrt(E[x^2] - E[x]^2)`.
 *
 * @example
 * ```ts
 * const r = await inspectDataset(['VOC2012']);
 * r.problems; // [] when every file is good
 * ```
 */
export async function inspectDataset(dirs: readonly string[], split?: string): Promise<InspectReport> {
  const problems: FileProblem[] = [];
  const sink = (file: string, problem: string) => problems.push({ file, problem });
  const common =
    split !== undefined ? [split] : dirs.map(splitNames).reduce((a, b) => a.filter((s) => b.includes(s)));
  const splits = common.length > 0 ? common : [undefined];
  const splitReports: SplitReport[] = [];
  let last: Dataset | undefined;
  const seen = new Set<string>();
  let ch: 1 | 3 = 1;
  const sums: number[][] = [];
  for (const s of splits) {
    const ds = openDataset(dirs, { split: s, problems: sink });
    last = ds;
    ch = ds.channels === 3 ? 3 : ch;
    const c = ds.classes.length;
    const classPixels = new Array<number>(c).fill(0);
    const annotatedImages = new Array<number>(c).fill(0);
    let ignored = 0;
    let total = 0;
    const good: number[] = [];
    problems.push(
      ...maskProblems(ds, (mask, i) => {
        good.push(i);
        for (let p = 0; p < mask.length; p++) {
          if (mask[p] === 255) ignored++;
          else if (ds.mode === 'multiclass') classPixels[mask[p]]++;
          else for (let k = 0; k < c; k++) classPixels[k] += (mask[p] >> k) & 1; // bitmask: overlaps count twice
        }
        total += mask.length;
      }),
    );
    for (const i of good) {
      const item = ds.items[i];
      const own = item.annotated ?? ds.parts[item.part].toGlobal.slice(0, ds.parts[item.part].classes.length);
      for (const k of own) annotatedImages[k]++;
      if (seen.has(item.imagePath)) continue;
      seen.add(item.imagePath);
      try {
        const img = await decodeImageFile(item.imagePath, item.channels, 'readDataset');
        const sum = (sums[item.channels] ??= new Array<number>(item.channels * 2 + 1).fill(0));
        for (let p = 0; p < img.data.length; p++) {
          const v = img.data[p];
          sum[p % item.channels] += v;
          sum[item.channels + (p % item.channels)] += v * v;
        }
        sum[2 * item.channels] += img.width * img.height;
      } catch (e) {
        problems.push(problemOf(e, item.imagePath));
      }
    }
    const hs = ds.items.map((i) => i.height);
    const ws = ds.items.map((i) => i.width);
    const labelled = total - ignored;
    splitReports.push({
      split: s ?? null,
      images: ds.items.length,
      height: [Math.min(...hs), Math.max(...hs)],
      width: [Math.min(...ws), Math.max(...ws)],
      classPixels,
      classFrequency: classPixels.map((v) => (labelled > 0 ? v / labelled : 0)),
      annotatedImages,
      ignoreFraction: total > 0 ? ignored / total : 0,
    });
  }
  // Grey images count as R = G = B in an RGB dataset's statistics.
  const mean: number[] = [];
  const std: number[] = [];
  for (let k = 0; k < ch; k++) {
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (const c of [1, 3] as const) {
      const sum = sums[c];
      if (!sum) continue;
      const j = c === 1 ? 0 : k;
      s += sum[j];
      s2 += sum[c + j];
      n += sum[2 * c];
    }
    mean.push(n > 0 ? s / n : 0);
    std.push(n > 0 ? Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)) : 0);
  }
  const ds = last as Dataset;
  return {
    dirs,
    layouts: ds.parts.map((p) => p.layout),
    classes: ds.classes.map((k, g) => ({
      name: k.name,
      color: k.color ?? null,
      annotatedIn: ds.parts
        .filter((p) => p.toGlobal.slice(0, p.classes.length).includes(g))
        .map((p) => p.dir),
    })),
    channels: ch,
    splits: splitReports,
    mean,
    std,
    problems,
  };
}

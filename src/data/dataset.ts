import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import {
  classesMode,
  parseClasses,
  readJson,
  VOC_CLASS_NAMES,
  type DatasetClass,
  type DatasetMode,
} from './classes.js';
import { decodeImageFile, readImageHeader } from './image-io.js';
import { findItems, type DatasetLayout, type ProblemSink } from './layout.js';
import { maskFromPng } from './mask-bits.js';
import { decodeMask } from './png-io.js';
import { mergeClasses } from './union.js';

/** One image/mask pair: its size from the headers, and the (global) classes its labels cover. */
export interface DatasetItem {
  readonly name: string;
  readonly imagePath: string;
  readonly maskPath: string;
  readonly height: number;
  readonly width: number;
  /** Channels stored in the image file (1 grey, 3 colour). */
  readonly channels: 1 | 3;
  /** Index into {@link Dataset.parts}. */
  readonly part: number;
  /** Global class indices the labels cover; undefined = every class of its part. */
  readonly annotated?: readonly number[];
}

/** One folder of a (union) dataset: its own classes and how its mask values map to the global list. */
export interface DatasetPart {
  readonly dir: string;
  readonly layout: DatasetLayout;
  readonly classes: readonly DatasetClass[];
  /** `toGlobal[v]` = global class of mask value `v` (255 stays 255). */
  readonly toGlobal: readonly number[];
}

/**
 * An opened dataset (one folder or a union of folders) of images of any size: the merged classes
 * (background first), the items, and `channels` = 3 when any image is colour, else 1.
 */
export interface Dataset {
  readonly parts: readonly DatasetPart[];
  readonly classes: readonly DatasetClass[];
  readonly items: readonly DatasetItem[];
  readonly channels: 1 | 3;
  /** What the masks mean (`classes.json` `"mode"`; see {@link DatasetMode}); `multiclass` by default. */
  readonly mode: DatasetMode;
}

/**
 * A decoded item: image `[H*W*ch]` in [0, 1], mask `[H*W]` (global classes in multiclass mode, a
 * bitmask of classes in binary and multi-label mode; 255 = ignore), annotated `[C]`.
 */
export interface LoadedItem {
  readonly height: number;
  readonly width: number;
  readonly image: Float32Array;
  readonly mask: Uint8Array;
  readonly annotated: Uint8Array;
}

/** Options of {@link openDataset}. */
export interface OpenDatasetOptions {
  readonly split?: string;
  /** Classes of a segloss-layout folder without `classes.json`. */
  readonly numClasses?: number;
  /** When given, bad files are reported here and their items skipped; otherwise the first one throws. */
  readonly problems?: ProblemSink;
}

const W = 'readDataset';

function partClasses(
  dir: string,
  layout: DatasetLayout,
  numClasses?: number,
): { classes: DatasetClass[]; mode: DatasetMode } {
  const path = join(dir, 'classes.json');
  if (existsSync(path)) {
    const json = readJson(W, path);
    return { classes: parseClasses(W, path, json), mode: classesMode(W, path, json) };
  }
  const mode = 'multiclass';
  if (layout === 'voc') return { classes: VOC_CLASS_NAMES.map((name) => ({ name })), mode };
  if (numClasses)
    return { classes: Array.from({ length: numClasses }, (_, i) => ({ name: `class ${i}` })), mode };
  return fail(`${W}: ${dir}`, 'has no classes.json; expected one, or the numClasses option');
}

/**
 * Opens a dataset folder, or several as one (`dirs` = `[a, b]`), reading only file headers: finds
 * the items of the split in either layout (see {@link DatasetLayout}), checks that each mask is a PNG
 * the size of its image and that `annotated.json` entries (file name or name without extension →
 * class indices of that folder) are valid. In a union, classes are matched by name into one list
 * (each folder's class 0 is the background, first) and must agree on colours; an item without an
 * `annotated.json` entry is annotated for exactly its own folder's classes.
 *
 * @example
 * ```ts
 * const ds = openDataset(['ct-liver', 'ct-kidney'], { split: 'train' });
 * ds.classes; // [{name: 'background'}, {name: 'liver'}, {name: 'kidney'}]
 * ```
 * @throws SeglossError `segloss: readDataset: <file>: ...` naming the offending file.
 */
export function openDataset(dirs: string | readonly string[], options: OpenDatasetOptions = {}): Dataset {
  const list = typeof dirs === 'string' ? [dirs] : [...dirs];
  if (list.length === 0) fail(W, 'no dataset folder given');
  const report: ProblemSink = options.problems ?? ((file, problem) => fail(`${W}: ${file}`, problem));
  const found = list.map((dir) => {
    if (!existsSync(dir)) fail(`${W}: ${dir}`, 'folder not found');
    const f = findItems(W, dir, options.split, report);
    return { dir, ...f, ...partClasses(dir, f.layout, options.numClasses) };
  });
  const mode = found[0].mode;
  if (mode !== 'multiclass' && found.length > 1) {
    fail(`${W}: ${list.join(',')}`, `a union needs multiclass folders; ${found[0].dir} is ${mode}`);
  }
  const other = found.find((f) => f.mode !== mode);
  if (other) fail(`${W}: ${list.join(',')}`, `${other.dir} is ${other.mode} but ${found[0].dir} is ${mode}`);
  const merged = mergeClasses(found.map((f) => ({ dir: f.dir, classes: f.classes })));
  const parts: DatasetPart[] = found.map((f, i) => ({
    dir: f.dir,
    layout: f.layout,
    classes: f.classes,
    toGlobal: merged.toGlobal[i],
  }));
  const items: DatasetItem[] = [];
  found.forEach((f, part) => {
    const annPath = [join(f.root, 'annotated.json'), join(f.dir, 'annotated.json')].find((p) =>
      existsSync(p),
    );
    const ann = annPath ? (readJson(W, annPath) as Record<string, unknown>) : undefined;
    const c = f.classes.length;
    for (const it of f.items) {
      try {
        const ih = readImageHeader(it.imagePath, W);
        const mh = readImageHeader(it.maskPath, W);
        if (mh.format !== 'png')
          fail(`${W}: ${it.maskPath}`, 'mask is a JPEG; expected a PNG of class indices');
        if (ih.width !== mh.width || ih.height !== mh.height) {
          fail(
            `${W}: ${it.maskPath}`,
            `mask is ${mh.width}x${mh.height} but its image is ${ih.width}x${ih.height}`,
          );
        }
        const entry = ann?.[it.name] ?? ann?.[it.name.replace(/\.[^.]+$/, '')];
        if (ann && entry === undefined) fail(`${W}: ${annPath}`, `has no entry for ${it.name}`);
        if (
          entry !== undefined &&
          !(Array.isArray(entry) && entry.every((k) => Number.isInteger(k) && k >= 0 && k < c))
        ) {
          fail(
            `${W}: ${annPath}`,
            `entry ${it.name} is ${JSON.stringify(entry)}; expected class indices in [0, ${c})`,
          );
        }
        items.push({
          ...it,
          height: ih.height,
          width: ih.width,
          channels: ih.channels,
          part,
          annotated:
            entry === undefined ? undefined : (entry as number[]).map((k) => parts[part].toGlobal[k]),
        });
      } catch (e) {
        if (options.problems === undefined) throw e;
        const m = /^segloss: readDataset: (.*?): (.*)$/.exec((e as Error).message);
        options.problems(m ? m[1] : it.imagePath, m ? m[2] : (e as Error).message);
      }
    }
  });
  if (items.length === 0 && options.problems === undefined) {
    fail(`${W}: ${list.join(',')}`, `no images found${options.split ? ` in split '${options.split}'` : ''}`);
  }
  const channels = items.some((i) => i.channels === 3) ? 3 : 1;
  return { parts, classes: merged.classes, items, channels, mode };
}

/**
 * The first mask value that is neither a class of `numClasses` nor 255, as `{value, pixel}`, or null.
 */
export function badMaskValue(mask: Uint8Array, numClasses: number): { value: number; pixel: number } | null {
  for (let p = 0; p < mask.length; p++) {
    const v = mask[p];
    if (v >= numClasses && v !== 255) return { value: v, pixel: p };
  }
  return null;
}

/**
 * Decodes an item's mask to global class indices (multiclass) or to a bitmask (binary, multi-label; see
 * `maskFromPng`), checking its values against its folder's classes and mode and its size against the
 * header read at open.
 */
export function loadMask(dataset: Dataset, item: DatasetItem): Uint8Array {
  const part = dataset.parts[item.part];
  const colors = part.classes.every((k) => k.color)
    ? part.classes.map((k) => k.color as readonly number[])
    : undefined;
  const mask = decodeMask(item.maskPath, colors);
  if (mask.width !== item.width || mask.height !== item.height) {
    fail(
      `${W}: ${item.maskPath}`,
      `mask is ${mask.width}x${mask.height} but its image is ${item.width}x${item.height}`,
    );
  }
  if (dataset.mode !== 'multiclass')
    return maskFromPng(`${W}: ${item.maskPath}`, mask.data, part.classes.length, dataset.mode);
  const bad = badMaskValue(mask.data, part.classes.length);
  if (bad !== null) {
    fail(
      `${W}: ${item.maskPath}`,
      `mask has value ${bad.value} at pixel ${bad.pixel}; expected a class in [0, ${part.classes.length}) or 255`,
    );
  }
  const out = mask.data;
  const map = part.toGlobal;
  for (let p = 0; p < out.length; p++) if (out[p] !== 255) out[p] = map[out[p]];
  return out;
}

/** The 0/1 vector `[C]` of the global classes an item's labels cover. */
export function annotatedOf(dataset: Dataset, item: DatasetItem): Uint8Array {
  const a = new Uint8Array(dataset.classes.length);
  const own =
    item.annotated ?? dataset.parts[item.part].toGlobal.slice(0, dataset.parts[item.part].classes.length);
  for (const k of own) a[k] = 1;
  return a;
}

/**
 * Decodes one item: the image converted to the dataset's channels, the mask as global classes
 * (checked), and its annotated classes.
 */
export async function loadItem(
  dataset: Dataset,
  item: DatasetItem,
  channels = dataset.channels,
): Promise<LoadedItem> {
  const image = await decodeImageFile(item.imagePath, channels, W);
  if (image.width !== item.width || image.height !== item.height) {
    fail(
      `${W}: ${item.imagePath}`,
      `image is ${image.width}x${image.height}; its header said ${item.width}x${item.height}`,
    );
  }
  return {
    height: item.height,
    width: item.width,
    image: image.data,
    mask: loadMask(dataset, item),
    annotated: annotatedOf(dataset, item),
  };
}

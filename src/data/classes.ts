import { readFileSync } from 'node:fs';
import { fail } from '../core/errors.js';

/** A class of a dataset: its name and display colour (RGB, 0–255). */
export interface DatasetClass {
  readonly name: string;
  readonly color?: readonly [number, number, number];
}

/** The 21 classes of Pascal VOC 2012 segmentation, in palette-index order (Everingham et al. 2010). */
export const VOC_CLASS_NAMES: readonly string[] = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
];

/** Parses a JSON file, naming it on error. */
export function readJson(where: string, path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`${where}: ${path}`, `cannot parse JSON (${(e as Error).message})`);
  }
}

/**
 * What a dataset's masks mean (`"mode"` in `classes.json`, default `multiclass`):
 * - `multiclass`: one class per pixel, class 0 the background; mask PNG = class index, 255 = ignore;
 * - `binary`: one class, the foreground, no background channel; mask PNG 0 = negative, 1 or 255 =
 *   positive (so a binary mask has no ignore value);
 * - `multilabel`: up to {@link MAX_MULTILABEL_CLASSES} classes that may overlap, no background channel;
 *   mask PNG = bitmask, bit `c` (value `2^c`) set = class `c` present at the pixel, 255 = ignore.
 */
export type DatasetMode = 'multiclass' | 'binary' | 'multilabel';

/** Classes of a multi-label bitmask: bits 0..6 of an 8-bit grey PNG (255, all bits, is the ignore value). */
export const MAX_MULTILABEL_CLASSES = 7;

const MODES: readonly DatasetMode[] = ['multiclass', 'binary', 'multilabel'];

/**
 * The mode of a `classes.json` document: the `"mode"` of the object form, `multiclass` for the list
 * forms. Binary needs exactly one class, multi-label 1 to {@link MAX_MULTILABEL_CLASSES}.
 *
 * @example
 * ```ts
 * classesMode('readDataset', 'classes.json', { names: ['cell', 'nucleus'], mode: 'multilabel' }); // 'multilabel'
 * ```
 */
export function classesMode(where: string, path: string, json: unknown): DatasetMode {
  if (Array.isArray(json) || !json || typeof json !== 'object') return 'multiclass';
  const mode = (json as { mode?: unknown }).mode ?? 'multiclass';
  if (!MODES.includes(mode as DatasetMode))
    fail(`${where}: ${path}`, `"mode" is ${JSON.stringify(mode)}; expected one of ${MODES.join(', ')}`);
  const n = parseClasses(where, path, json).length;
  if (mode === 'binary' && n !== 1)
    fail(`${where}: ${path}`, `mode 'binary' has ${n} classes; expected exactly 1 (the foreground)`);
  if (mode === 'multilabel' && n > MAX_MULTILABEL_CLASSES) {
    fail(
      `${where}: ${path}`,
      `mode 'multilabel' has ${n} classes; expected 1 to ${MAX_MULTILABEL_CLASSES} (bits 0..6 of the mask)`,
    );
  }
  return mode as DatasetMode;
}

/**
 * Accepts `["bg", "cat"]`, `[{name, color}]` or `{names: [...], colors: [[r,g,b], ...], mode}` (see
 * {@link classesMode} for `mode`).
 */
export function parseClasses(where: string, path: string, json: unknown): DatasetClass[] {
  const bad = () =>
    fail(`${where}: ${path}`, 'expected ["name", ...], [{"name", "color"}] or {"names", "colors", "mode"}');
  let list: DatasetClass[];
  if (Array.isArray(json)) {
    list = json.map((c) => (typeof c === 'string' ? { name: c } : (c as DatasetClass)));
  } else if (json && typeof json === 'object' && Array.isArray((json as { names?: unknown }).names)) {
    const { names, colors } = json as { names: string[]; colors?: [number, number, number][] };
    list = names.map((name, i) => (colors?.[i] === undefined ? { name } : { name, color: colors[i] }));
  } else return bad();
  if (list.length < 1 || list.length > 255)
    fail(`${where}: ${path}`, `has ${list.length} classes; expected 1 to 255`);
  for (const c of list) {
    if (typeof c?.name !== 'string') bad();
    if (c.color !== undefined && !(Array.isArray(c.color) && c.color.length === 3)) bad();
  }
  return list;
}

/**
 * The `classes.json` document of `classes` in `mode`: the list form for multiclass (as before modes),
 * `{names, colors?, mode}` otherwise.
 */
export function classesJson(classes: readonly DatasetClass[], mode: DatasetMode = 'multiclass'): unknown {
  if (mode === 'multiclass') return classes;
  const colors = classes.every((c) => c.color) ? { colors: classes.map((c) => c.color) } : {};
  return { names: classes.map((c) => c.name), ...colors, mode };
}

export { vocColor } from './voc-palette.js';

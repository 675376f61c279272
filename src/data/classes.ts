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

/** Accepts `["bg", "cat"]`, `[{name, color}]` or `{names: [...], colors: [[r,g,b], ...]}`. */
export function parseClasses(where: string, path: string, json: unknown): DatasetClass[] {
  const bad = () =>
    fail(`${where}: ${path}`, 'expected ["name", ...], [{"name", "color"}] or {"names", "colors"}');
  let list: DatasetClass[];
  if (Array.isArray(json)) {
    list = json.map((c) => (typeof c === 'string' ? { name: c } : (c as DatasetClass)));
  } else if (json && typeof json === 'object' && Array.isArray((json as { names?: unknown }).names)) {
    const { names, colors } = json as { names: string[]; colors?: [number, number, number][] };
    list = names.map((name, i) => ({ name, color: colors?.[i] }));
  } else return bad();
  if (list.length < 1 || list.length > 255)
    fail(`${where}: ${path}`, `has ${list.length} classes; expected 1 to 255`);
  for (const c of list) {
    if (typeof c?.name !== 'string') bad();
    if (c.color !== undefined && !(Array.isArray(c.color) && c.color.length === 3)) bad();
  }
  return list;
}

export { vocColor } from './voc-palette.js';

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, formatShape } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { writeFileAtomic } from './atomic.js';
import { channelsOf, decodeImage, decodeMask, readPngHeader } from './png-io.js';
import { encodePng } from '../report/png.js';

/** A class of a dataset: its name and display colour (RGB, 0–255). */
export interface DatasetClass {
  readonly name: string;
  readonly color?: readonly [number, number, number];
}

/** One image/mask pair; `annotated` lists the classes its labels cover (from `annotated.json`). */
export interface DatasetItem {
  readonly name: string;
  readonly imagePath: string;
  readonly maskPath: string;
  readonly annotated?: readonly number[];
}

/** An opened dataset: classes, items, common image size `[H, W]` and channels (1 grey, 3 RGB). */
export interface PngDataset {
  readonly dir: string;
  readonly classes: readonly DatasetClass[];
  readonly items: readonly DatasetItem[];
  readonly size: readonly [number, number];
  readonly channels: 1 | 3;
}

/** A loaded item: image `[H*W*ch]` in [0, 1], mask `[H*W]` class indices (255 = ignore), annotated `[C]` 0/1. */
export interface LoadedItem {
  readonly image: Float32Array;
  readonly mask: Uint8Array;
  readonly annotated: Uint8Array;
}

const W = 'readDataset';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`${W}: ${path}`, `cannot parse JSON (${(e as Error).message})`);
  }
}

/** Accepts `["bg", "cat"]`, `[{name, color}]` or `{names: [...], colors: [[r,g,b], ...]}`. */
function parseClasses(path: string, json: unknown): DatasetClass[] {
  const bad = () =>
    fail(`${W}: ${path}`, 'expected ["name", ...], [{"name", "color"}] or {"names", "colors"}');
  let list: DatasetClass[];
  if (Array.isArray(json)) {
    list = json.map((c) => (typeof c === 'string' ? { name: c } : (c as DatasetClass)));
  } else if (json && typeof json === 'object' && Array.isArray((json as { names?: unknown }).names)) {
    const { names, colors } = json as { names: string[]; colors?: [number, number, number][] };
    list = names.map((name, i) => ({ name, color: colors?.[i] }));
  } else return bad();
  if (list.length < 1 || list.length > 255)
    fail(`${W}: ${path}`, `has ${list.length} classes; expected 1 to 255`);
  for (const c of list) {
    if (typeof c?.name !== 'string') bad();
    if (c.color !== undefined && !(Array.isArray(c.color) && c.color.length === 3)) bad();
  }
  return list;
}

function listPngs(dir: string): string[] {
  if (!existsSync(dir)) fail(`${W}: ${dir}`, 'folder not found');
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.png'))
    .sort();
}

/**
 * Opens a Pascal-VOC-style folder without decoding pixels: finds the items of the split, checks that
 * every image has a mask of the same size and that all images share one size and channel count.
 *
 * Layouts: `dir/images/*.png` + `dir/masks/*.png`; splits as folders (`dir/train/images`, ...) or as
 * list files (`dir/train.txt`, one name per line, with or without `.png`, over `dir/images`).
 * Optional `classes.json` (in `dir`) names the classes; without it pass `numClasses`. Optional
 * `annotated.json` (in the split folder or `dir`) maps file names to the class indices their labels cover.
 *
 * @throws SeglossError `segloss: readDataset: <file>: ...` naming the offending file.
 */
export function openDataset(dir: string, options: { split?: string; numClasses?: number } = {}): PngDataset {
  let root = dir;
  let names: string[];
  const { split } = options;
  if (split !== undefined && existsSync(join(dir, split, 'images'))) {
    root = join(dir, split);
    names = listPngs(join(root, 'images'));
  } else if (split !== undefined) {
    const list = join(dir, `${split}.txt`);
    if (!existsSync(list))
      fail(`${W}: ${dir}`, `split '${split}' has neither a ${split}/images folder nor ${split}.txt`);
    names = readFileSync(list, 'utf8')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .map((s) => (s.toLowerCase().endsWith('.png') ? s : `${s}.png`));
  } else {
    names = listPngs(join(dir, 'images'));
  }
  if (names.length === 0) fail(`${W}: ${root}`, 'no images found');
  const classesPath = join(dir, 'classes.json');
  let classes: DatasetClass[];
  if (existsSync(classesPath)) classes = parseClasses(classesPath, readJson(classesPath));
  else if (options.numClasses)
    classes = Array.from({ length: options.numClasses }, (_, i) => ({ name: `class ${i}` }));
  else fail(`${W}: ${dir}`, 'has no classes.json; expected one, or the numClasses option');
  const annPath = [join(root, 'annotated.json'), join(dir, 'annotated.json')].find((p) => existsSync(p));
  const annotated = annPath ? (readJson(annPath) as Record<string, unknown>) : undefined;
  let size: [number, number] | undefined;
  let channels: 1 | 3 | undefined;
  const items = names.map((name) => {
    const imagePath = join(root, 'images', name);
    const maskPath = join(root, 'masks', name);
    if (!existsSync(imagePath)) fail(`${W}: ${imagePath}`, 'image listed but not found');
    if (!existsSync(maskPath)) fail(`${W}: ${imagePath}`, `has no mask (expected ${maskPath})`);
    const ih = readPngHeader(imagePath);
    const mh = readPngHeader(maskPath);
    if (ih.width !== mh.width || ih.height !== mh.height) {
      fail(`${W}: ${maskPath}`, `mask is ${mh.width}x${mh.height} but its image is ${ih.width}x${ih.height}`);
    }
    size ??= [ih.height, ih.width];
    channels ??= channelsOf(ih.colorType);
    if (ih.height !== size[0] || ih.width !== size[1]) {
      fail(
        `${W}: ${imagePath}`,
        `image is ${ih.width}x${ih.height}; expected ${size[1]}x${size[0]} like the first image`,
      );
    }
    if (channelsOf(ih.colorType) !== channels) {
      fail(
        `${W}: ${imagePath}`,
        `image has ${channelsOf(ih.colorType)} channel(s); expected ${channels} like the first`,
      );
    }
    const ann = annotated?.[name];
    if (annotated && ann === undefined) fail(`${W}: ${annPath}`, `has no entry for ${name}`);
    if (ann !== undefined) {
      const ok = Array.isArray(ann) && ann.every((c) => Number.isInteger(c) && c >= 0 && c < classes.length);
      if (!ok)
        fail(
          `${W}: ${annPath}`,
          `entry ${name} is ${JSON.stringify(ann)}; expected class indices in [0, ${classes.length})`,
        );
    }
    return { name, imagePath, maskPath, annotated: ann as number[] | undefined };
  });
  return { dir, classes, items, size: size as [number, number], channels: channels as 1 | 3 };
}

/**
 * Decodes one item: the image as floats in [0, 1], the mask as class indices (checked against the
 * classes; 255 = ignore) and the annotated classes as a 0/1 vector (all ones without `annotated.json`).
 */
export function loadItem(dataset: PngDataset, item: DatasetItem): LoadedItem {
  const c = dataset.classes.length;
  const colors = dataset.classes.every((k) => k.color)
    ? dataset.classes.map((k) => k.color as readonly number[])
    : undefined;
  const image = decodeImage(item.imagePath, dataset.channels);
  const mask = decodeMask(item.maskPath, colors);
  for (let p = 0; p < mask.data.length; p++) {
    const v = mask.data[p];
    if (v >= c && v !== 255)
      fail(
        `${W}: ${item.maskPath}`,
        `mask has value ${v} at pixel ${p}; expected a class in [0, ${c}) or 255`,
      );
  }
  const annotated = new Uint8Array(c);
  if (item.annotated) for (const k of item.annotated) annotated[k] = 1;
  else annotated.fill(1);
  return { image: image.data, mask: mask.data, annotated };
}

/** Synthetic data to write with {@link writeDataset}. */
export interface DatasetContent {
  /** `[N, H, W, ch]`, ch = 1 or 3, values in [0, 1]. */
  readonly images: NdArray;
  /** `[N, H, W]` class indices (255 = ignore). */
  readonly labels: NdArray | { readonly data: Uint8Array; readonly shape: readonly number[] };
  /** `[N, C]` 0/1: classes each image's labels cover; written as `annotated.json`. */
  readonly annotated?: NdArray;
  readonly classes: readonly DatasetClass[];
  /** Split folder to write into (`dir/<split>/images`); none = `dir/images`. */
  readonly split?: string;
}

/**
 * Writes images (8-bit grey or RGB PNG), masks (8-bit grey PNG of class indices), `annotated.json` and
 * `classes.json`, each file atomically. Files are named `000000.png`, `000001.png`, ...
 */
export function writeDataset(dir: string, content: DatasetContent): void {
  const where = 'writeDataset';
  const { images, labels, classes } = content;
  if (images.shape.length !== 4 || (images.shape[3] !== 1 && images.shape[3] !== 3)) {
    fail(where, `images has shape ${formatShape(images.shape)}; expected [N,H,W,1] or [N,H,W,3]`);
  }
  const [n, h, w, ch] = images.shape;
  if (labels.shape.length !== 3 || labels.shape.some((d, i) => d !== images.shape[i])) {
    fail(
      where,
      `labels has shape ${formatShape(labels.shape)}; expected [N,H,W] = ${formatShape([n, h, w])}`,
    );
  }
  const c = classes.length;
  if (content.annotated && (content.annotated.shape[0] !== n || content.annotated.shape[1] !== c)) {
    fail(
      where,
      `annotated has shape ${formatShape(content.annotated.shape)}; expected [N,C] = ${formatShape([n, c])}`,
    );
  }
  const root = content.split ? join(dir, content.split) : dir;
  const ann: Record<string, number[]> = {};
  for (let i = 0; i < n; i++) {
    const name = `${String(i).padStart(6, '0')}.png`;
    const px = new Uint8Array(h * w * ch);
    for (let k = 0; k < px.length; k++) {
      const v = images.data[i * h * w * ch + k];
      if (!(v >= 0 && v <= 1))
        fail(where, `images has ${v} at flat index ${i * h * w * ch + k}; expected [0, 1]`);
      px[k] = Math.round(v * 255);
    }
    const mask = new Uint8Array(h * w);
    for (let k = 0; k < mask.length; k++) {
      const v = labels.data[i * h * w + k];
      if (!(Number.isInteger(v) && (v < c || v === 255) && v >= 0)) {
        fail(where, `labels has ${v} at flat index ${i * h * w + k}; expected a class in [0, ${c}) or 255`);
      }
      mask[k] = v;
    }
    const pixels = ch === 1 ? { width: w, height: h, grey: px } : { width: w, height: h, rgb: px };
    writeFileAtomic(where, join(root, 'images', name), encodePng(pixels));
    writeFileAtomic(where, join(root, 'masks', name), encodePng({ width: w, height: h, grey: mask }));
    if (content.annotated) {
      ann[name] = [...content.annotated.data.subarray(i * c, (i + 1) * c)].flatMap((v, k) =>
        v > 0 ? [k] : [],
      );
    }
  }
  if (content.annotated)
    writeFileAtomic(where, join(root, 'annotated.json'), JSON.stringify(ann, null, 1) + '\n');
  writeFileAtomic(where, join(dir, 'classes.json'), JSON.stringify(classes, null, 1) + '\n');
}

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fail } from '../core/errors.js';

/**
 * How a dataset folder is organised:
 * - `voc`: Pascal VOC 2012, `JPEGImages/<name>.jpg`, `SegmentationClass/<name>.png` (palette masks,
 *   255 = void) and `ImageSets/Segmentation/<split>.txt` (one name per line, no extension);
 * - `segloss`: `images/` + `masks/` (PNG masks named like their image with `.png`), splits as folders
 *   (`<split>/images`) or list files (`<split>.txt` over `images/`); images PNG or JPEG.
 */
export type DatasetLayout = 'voc' | 'segloss';

/** One image/mask pair found in a folder, before any header is read. */
export interface FoundItem {
  readonly name: string;
  readonly imagePath: string;
  readonly maskPath: string;
}

/** Called once per bad file: its path and what is wrong. */
export type ProblemSink = (file: string, problem: string) => void;

const IMAGE_EXT = ['.png', '.jpg', '.jpeg'];
const isImage = (f: string) => IMAGE_EXT.includes(extname(f).toLowerCase());
const stem = (f: string) => basename(f, extname(f));

/** The layout of `dir`: `voc` when it has `JPEGImages/` and `SegmentationClass/`, else `segloss`. */
export function detectLayout(dir: string): DatasetLayout {
  return existsSync(join(dir, 'JPEGImages')) && existsSync(join(dir, 'SegmentationClass'))
    ? 'voc'
    : 'segloss';
}

function readList(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function listDir(where: string, dir: string): string[] {
  if (!existsSync(dir)) fail(`${where}: ${dir}`, 'folder not found');
  return readdirSync(dir).sort();
}

/** The split names a dataset folder offers (`ImageSets/Segmentation/*.txt`, `<split>/images`, `<split>.txt`). */
export function splitNames(dir: string): string[] {
  if (detectLayout(dir) === 'voc') {
    const sets = join(dir, 'ImageSets', 'Segmentation');
    return existsSync(sets)
      ? readdirSync(sets)
          .filter((f) => f.endsWith('.txt'))
          .map(stem)
          .sort()
      : [];
  }
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) =>
      f.endsWith('.txt') ? statSync(join(dir, f)).isFile() : existsSync(join(dir, f, 'images')),
    )
    .map((f) => (f.endsWith('.txt') ? stem(f) : f))
    .sort();
}

/**
 * The items of `split` (all items when undefined) of the folder `dir` and the folder that holds its
 * `annotated.json` candidates. Names a split list gives without a file behind them go to `problem`.
 *
 * @throws SeglossError `segloss: <where>: <dir>: ...` when the split does not exist.
 */
export function findItems(
  where: string,
  dir: string,
  split: string | undefined,
  problem: ProblemSink,
): { layout: DatasetLayout; root: string; items: FoundItem[] } {
  const layout = detectLayout(dir);
  if (layout === 'voc') {
    const sets = join(dir, 'ImageSets', 'Segmentation');
    const lists =
      split !== undefined
        ? [join(sets, `${split}.txt`)]
        : existsSync(sets)
          ? readdirSync(sets)
              .filter((f) => f.endsWith('.txt'))
              .map((f) => join(sets, f))
          : [];
    if (split !== undefined && !existsSync(lists[0])) {
      fail(`${where}: ${dir}`, `VOC split '${split}' has no ImageSets/Segmentation/${split}.txt`);
    }
    const names =
      lists.length > 0
        ? [...new Set(lists.flatMap(readList))].sort()
        : listDir(where, join(dir, 'SegmentationClass'))
            .filter((f) => f.endsWith('.png'))
            .map(stem);
    const items: FoundItem[] = [];
    for (const name of names) {
      const imagePath = join(dir, 'JPEGImages', `${name}.jpg`);
      const maskPath = join(dir, 'SegmentationClass', `${name}.png`);
      if (!existsSync(imagePath)) problem(imagePath, `listed in ${split ?? 'a split'} but not found`);
      else if (!existsSync(maskPath)) problem(maskPath, `listed in ${split ?? 'a split'} but not found`);
      else items.push({ name, imagePath, maskPath });
    }
    return { layout, root: dir, items };
  }
  let root = dir;
  let files: string[];
  if (split !== undefined && existsSync(join(dir, split, 'images'))) {
    root = join(dir, split);
    files = listDir(where, join(root, 'images')).filter(isImage);
  } else if (split !== undefined) {
    const list = join(dir, `${split}.txt`);
    if (!existsSync(list))
      fail(`${where}: ${dir}`, `split '${split}' has neither a ${split}/images folder nor ${split}.txt`);
    files = [];
    for (const entry of readList(list)) {
      const options = isImage(entry) ? [entry] : IMAGE_EXT.map((e) => entry + e);
      const found = options.find((f) => existsSync(join(dir, 'images', f)));
      if (found === undefined)
        problem(join(dir, 'images', options[0]), `listed in ${split}.txt but not found`);
      else files.push(found);
    }
  } else files = listDir(where, join(dir, 'images')).filter(isImage);
  const items: FoundItem[] = [];
  for (const name of files) {
    const imagePath = join(root, 'images', name);
    const maskPath = join(root, 'masks', `${stem(name)}.png`);
    if (!existsSync(maskPath)) problem(imagePath, `has no mask (expected ${maskPath})`);
    else items.push({ name, imagePath, maskPath });
  }
  return { layout, root, items };
}

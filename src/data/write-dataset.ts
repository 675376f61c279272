import { join } from 'node:path';
import { fail, formatShape } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { writeFileAtomic } from './atomic.js';
import { classesJson, classesMode, type DatasetClass, type DatasetMode } from './classes.js';
import { maskFromPng } from './mask-bits.js';
import { encodePng } from './png-encode.js';

/** Synthetic data to write with {@link writeDataset}. */
export interface DatasetContent {
  /** `[N, H, W, ch]`, ch = 1 or 3, values in [0, 1]. */
  readonly images: NdArray;
  /** `[N, H, W]` class indices (multiclass) or bitmasks (binary, multi-label; see `maskFromPng`), 255 = ignore. */
  readonly labels: NdArray | { readonly data: Uint8Array; readonly shape: readonly number[] };
  /** `[N, C]` 0/1: classes each image's labels cover; written as `annotated.json`. */
  readonly annotated?: NdArray;
  readonly classes: readonly DatasetClass[];
  /** Split folder to write into (`dir/<split>/images`); none = `dir/images`. */
  readonly split?: string;
  /** What `labels` hold; written to `classes.json` (default `multiclass`). */
  readonly mode?: DatasetMode;
}

/**
 * Writes images (8-bit grey or RGB PNG), masks (8-bit grey PNG of class indices, or of bitmasks in
 * multi-label mode, or 0/255 in binary mode), `annotated.json` and `classes.json` (with `"mode"` when
 * not multiclass), each file atomically. Files are named `000000.png`, `000001.png`, ...
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
  const mode = content.mode ?? 'multiclass';
  if (mode !== 'multiclass') classesMode(where, 'classes', classesJson(classes, mode));
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
    const mask = Uint8Array.from(labels.data.subarray(i * h * w, (i + 1) * h * w));
    if (mode === 'multiclass') {
      for (let k = 0; k < mask.length; k++) {
        const v = labels.data[i * h * w + k];
        if (!(Number.isInteger(v) && (v < c || v === 255) && v >= 0)) {
          fail(where, `labels has ${v} at flat index ${i * h * w + k}; expected a class in [0, ${c}) or 255`);
        }
      }
    } else maskFromPng(`${where}: labels of image ${i}`, Uint8Array.from(mask), c, 'multilabel');
    if (mode === 'binary') for (let k = 0; k < mask.length; k++) mask[k] = mask[k] === 1 ? 255 : 0;
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
  writeFileAtomic(
    where,
    join(dir, 'classes.json'),
    JSON.stringify(classesJson(classes, mode), null, 1) + '\n',
  );
}

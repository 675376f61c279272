import { join } from 'node:path';
import sharp from 'sharp';
import { fail } from '../core/errors.js';
import { writeFileAtomic } from './atomic.js';
import { vocColor } from './classes.js';
import { encodePalettePng } from './png-encode.js';

/** One image of {@link writeVocDataset}: `[H*W*ch]` in [0, 1] and its mask `[H*W]` (255 = void). */
export interface VocItem {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly image: Float32Array;
  readonly mask: Uint8Array;
}

/**
 * Writes a dataset in the Pascal VOC 2012 layout: `JPEGImages/<name>.jpg` (quality 90),
 * `SegmentationClass/<name>.png` (palette PNG, VOC palette, index 255 = void),
 * `ImageSets/Segmentation/<split>.txt` and `classes.json`; names are `<split>_000000`, ... Each file
 * is written atomically.
 *
 * @example
 * ```ts
 * await writeVocDataset('voc', ['background', 'disk'], { train: items, val: valItems });
 * ```
 */
export async function writeVocDataset(
  dir: string,
  classNames: readonly string[],
  splits: Record<string, readonly VocItem[]>,
): Promise<void> {
  const where = 'writeVocDataset';
  const palette = Array.from({ length: 256 }, (_, i) => (i === 255 ? [224, 224, 192] : vocColor(i)));
  for (const [split, items] of Object.entries(splits)) {
    const names: string[] = [];
    for (const [i, it] of items.entries()) {
      const name = `${split}_${String(i).padStart(6, '0')}`;
      const { height: h, width: w, channels: ch } = it;
      if (it.image.length !== h * w * ch || it.mask.length !== h * w) {
        fail(
          where,
          `item ${name} has ${it.image.length} values and a mask of ${it.mask.length}; expected ${h}x${w}x${ch} and ${h}x${w}`,
        );
      }
      const px = Uint8Array.from(it.image, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
      const jpg = await sharp(px, { raw: { width: w, height: h, channels: ch } })
        .jpeg({ quality: 90 })
        .toBuffer();
      writeFileAtomic(where, join(dir, 'JPEGImages', `${name}.jpg`), jpg);
      writeFileAtomic(
        where,
        join(dir, 'SegmentationClass', `${name}.png`),
        encodePalettePng(w, h, it.mask, palette),
      );
      names.push(name);
    }
    writeFileAtomic(where, join(dir, 'ImageSets', 'Segmentation', `${split}.txt`), names.join('\n') + '\n');
  }
  writeFileAtomic(
    where,
    join(dir, 'classes.json'),
    JSON.stringify(
      classNames.map((name, i) => ({ name, color: vocColor(i) })),
      null,
      1,
    ) + '\n',
  );
}

// Dataset layouts: Pascal VOC 2012, segloss' own with JPEG beside PNG, unions of folders; inspect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodePalettePng, encodePng } from './png-encode.js';
import { loadItem, openDataset } from './dataset.js';
import { inspectDataset } from './inspect.js';
import { mergeClasses } from './union.js';
import { vocColor } from './classes.js';

const palette = Array.from({ length: 256 }, (_, i) => (i === 255 ? [224, 224, 192] : vocColor(i)));

async function jpeg(w: number, h: number, value: number): Promise<Buffer> {
  return sharp(new Uint8Array(w * h * 3).fill(value), { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** A VOC folder: a (4x3) and b (2x5) in train, c in val, d (no mask) and e (in no split). */
async function vocFolder(dir: string): Promise<void> {
  for (const d of ['JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'])
    mkdirSync(join(dir, d), { recursive: true });
  const put = async (name: string, w: number, h: number, mask: number[] | null) => {
    writeFileSync(join(dir, 'JPEGImages', `${name}.jpg`), await jpeg(w, h, 200));
    if (mask)
      writeFileSync(
        join(dir, 'SegmentationClass', `${name}.png`),
        encodePalettePng(w, h, Uint8Array.from(mask), palette),
      );
  };
  await put('a', 4, 3, [0, 1, 1, 0, 0, 15, 15, 255, 0, 0, 0, 0]);
  await put('b', 2, 5, [0, 0, 20, 20, 0, 0, 255, 255, 0, 0]);
  await put('c', 3, 3, [0, 0, 0, 0, 8, 0, 0, 0, 0]);
  await put('d', 3, 3, null);
  await put('e', 3, 3, [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  writeFileSync(join(dir, 'ImageSets/Segmentation/train.txt'), 'a\nb\n');
  writeFileSync(join(dir, 'ImageSets/Segmentation/val.txt'), 'c\n');
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-layout-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('VOC layout: split lists, palette masks (255 = void), the 21 VOC classes, JPEGs of several sizes', async () => {
  await withDir(async (dir) => {
    await vocFolder(dir);
    const ds = openDataset(dir, { split: 'train' });
    assert.equal(ds.parts[0].layout, 'voc');
    assert.equal(ds.classes.length, 21);
    assert.equal(ds.classes[15].name, 'person');
    assert.deepEqual(
      ds.items.map((i) => [i.name, i.width, i.height]),
      [
        ['a', 4, 3],
        ['b', 2, 5],
      ],
    );
    const a = await loadItem(ds, ds.items[0]);
    assert.deepEqual([...a.mask], [0, 1, 1, 0, 0, 15, 15, 255, 0, 0, 0, 0]);
    assert.equal(a.image.length, 4 * 3 * 3);
    assert.ok(
      a.image.every((v) => Math.abs(v - 200 / 255) < 3 / 255),
      'JPEG values within 3 levels',
    );
    assert.equal(
      a.annotated.reduce((s, v) => s + v, 0),
      21,
    );
    // no split: the items of every split list; d (no mask) and e (no list) are not items
    assert.deepEqual(
      openDataset(dir).items.map((i) => i.name),
      ['a', 'b', 'c'],
    );
    writeFileSync(join(dir, 'ImageSets/Segmentation/val.txt'), 'c\nz\n');
    assert.throws(
      () => openDataset(dir, { split: 'val' }),
      /readDataset: .*JPEGImages.z\.jpg: listed in val but not found/,
    );
    assert.throws(
      () => openDataset(dir, { split: 'test' }),
      /VOC split 'test' has no ImageSets\/Segmentation\/test\.txt/,
    );
  });
});

test('segloss layout: JPEG beside PNG, mask named <stem>.png; a list file naming a missing file', async () => {
  await withDir(async (dir) => {
    mkdirSync(join(dir, 'images'), { recursive: true });
    mkdirSync(join(dir, 'masks'));
    writeFileSync(join(dir, 'images', 'x.jpg'), await jpeg(5, 4, 10));
    writeFileSync(
      join(dir, 'images', 'y.png'),
      encodePng({ width: 2, height: 2, grey: Uint8Array.of(0, 85, 170, 255) }),
    );
    writeFileSync(
      join(dir, 'masks', 'x.png'),
      encodePng({ width: 5, height: 4, grey: new Uint8Array(20).fill(1) }),
    );
    writeFileSync(
      join(dir, 'masks', 'y.png'),
      encodePng({ width: 2, height: 2, grey: Uint8Array.of(0, 1, 255, 0) }),
    );
    writeFileSync(join(dir, 'classes.json'), '["bg", "thing"]');
    const ds = openDataset(dir);
    assert.deepEqual(
      ds.items.map((i) => `${i.name} ${i.width}x${i.height}x${i.channels}`),
      ['x.jpg 5x4x3', 'y.png 2x2x1'],
    );
    const y = await loadItem(ds, ds.items[1], 1);
    assert.deepEqual(
      [...y.image],
      [0, 85, 170, 255].map((v) => Math.fround(v / 255)),
    );
    writeFileSync(join(dir, 'train.txt'), 'x\nmissing\n');
    assert.throws(
      () => openDataset(dir, { split: 'train' }),
      /images.missing\.png: listed in train\.txt but not found/,
    );
  });
});

test('mergeClasses: background first, classes matched by name, colours must agree', () => {
  const m = mergeClasses([
    { dir: 'liver', classes: [{ name: 'bg' }, { name: 'liver', color: [1, 2, 3] }] },
    { dir: 'kidney', classes: [{ name: 'background' }, { name: 'kidney' }, { name: 'liver' }] },
  ]);
  assert.deepEqual(
    m.classes.map((c) => c.name),
    ['bg', 'liver', 'kidney'],
  );
  assert.deepEqual(m.toGlobal[0].slice(0, 2), [0, 1]);
  assert.deepEqual(m.toGlobal[1].slice(0, 3), [0, 2, 1]);
  assert.equal(m.toGlobal[1][255], 255);
  assert.throws(
    () =>
      mergeClasses([
        { dir: 'a', classes: [{ name: 'bg' }, { name: 'liver', color: [1, 2, 3] }] },
        { dir: 'b', classes: [{ name: 'bg' }, { name: 'liver', color: [9, 9, 9] }] },
      ]),
    /datasets disagree on the colour of class 'liver': a says \[1,2,3\], b says \[9,9,9\]/,
  );
});

test('union: masks remapped to the merged classes; annotated = own classes unless annotated.json says otherwise', async () => {
  await withDir(async (root) => {
    const make = (name: string, classes: string[], mask: number[], ann?: Record<string, number[]>) => {
      const dir = join(root, name);
      mkdirSync(join(dir, 'images'), { recursive: true });
      mkdirSync(join(dir, 'masks'));
      writeFileSync(
        join(dir, 'images', 'i.png'),
        encodePng({ width: 2, height: 1, grey: Uint8Array.of(0, 255) }),
      );
      writeFileSync(
        join(dir, 'masks', 'i.png'),
        encodePng({ width: 2, height: 1, grey: Uint8Array.from(mask) }),
      );
      writeFileSync(join(dir, 'classes.json'), JSON.stringify(classes));
      if (ann) writeFileSync(join(dir, 'annotated.json'), JSON.stringify(ann));
      return dir;
    };
    const a = make('a', ['bg', 'liver'], [0, 1]);
    const b = make('b', ['bg', 'kidney', 'liver'], [1, 2], { 'i.png': [0, 1] });
    const ds = openDataset([a, b]);
    assert.deepEqual(
      ds.classes.map((c) => c.name),
      ['bg', 'liver', 'kidney'],
    );
    const [ia, ib] = await Promise.all(ds.items.map((it) => loadItem(ds, it)));
    assert.deepEqual([...ia.mask], [0, 1]);
    assert.deepEqual([...ia.annotated], [1, 1, 0]);
    assert.deepEqual([...ib.mask], [2, 1]);
    assert.deepEqual([...ib.annotated], [1, 0, 1], 'annotated.json: bg and kidney only');
    const r = await inspectDataset([a, b]);
    assert.deepEqual(
      r.classes.map((c) => c.annotatedIn.length),
      [2, 2, 1],
    );
    assert.deepEqual(r.splits[0].classPixels, [1, 2, 1]);
    assert.deepEqual(r.splits[0].annotatedImages, [2, 1, 1]);
  });
});

test('inspect: lists every bad file with its problem; statistics of the good ones', async () => {
  await withDir(async (dir) => {
    await vocFolder(dir);
    writeFileSync(join(dir, 'ImageSets/Segmentation/val.txt'), 'c\nz\n');
    // b: class 22 of 21; c: mask 2x2 for a 3x3 image
    writeFileSync(
      join(dir, 'SegmentationClass', 'b.png'),
      encodePalettePng(2, 5, new Uint8Array(10).fill(22), palette),
    );
    writeFileSync(
      join(dir, 'SegmentationClass', 'c.png'),
      encodePalettePng(2, 2, new Uint8Array(4), palette),
    );
    const r = await inspectDataset([dir]);
    assert.deepEqual(
      r.problems.map((p) => [p.file.replace(dir, ''), p.problem]),
      [
        ['/SegmentationClass/b.png', 'mask has value 22 at pixel 0; expected a class in [0, 21) or 255'],
        ['/JPEGImages/z.jpg', 'listed in val but not found'],
        ['/SegmentationClass/c.png', 'mask is 2x2 but its image is 3x3'],
      ],
    );
    const train = r.splits.find((s) => s.split === 'train');
    assert.ok(train);
    // only a is good in train: 12 pixels, 1 void; classes 0 x7, 1 x2, 15 x2
    assert.equal(train.ignoreFraction, 1 / 12);
    assert.equal(train.classPixels[0], 7);
    assert.equal(train.classPixels[15], 2);
    assert.ok(Math.abs(r.mean[0] - 200 / 255) < 3 / 255);
    assert.ok(r.std[0] < 2 / 255);
  });
});

test('decodeMaskBytes: the direct index decoder equals pngjs on every PNG filter type', async () => {
  const { PNG } = await import('pngjs');
  const { decodeMaskBytes } = await import('./png-io.js');
  const w = 17;
  const h = 9;
  const grey = Uint8Array.from({ length: w * h }, (_, i) => (i * 7 + ((i / w) | 0) * 13) % 251);
  for (const filterType of [0, 1, 2, 3, 4]) {
    const png = new PNG({
      width: w,
      height: h,
      colorType: 0,
      inputColorType: 0,
      bitDepth: 8,
      inputHasAlpha: false,
    });
    png.data = Buffer.from(grey);
    const bytes = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, filterType });
    assert.deepEqual([...decodeMaskBytes(bytes).data], [...grey], `filter ${filterType}`);
  }
  const pal = encodePalettePng(
    w,
    h,
    Uint8Array.from(grey, (v) => v % 4),
    palette,
  );
  assert.deepEqual([...decodeMaskBytes(pal).data], [...Uint8Array.from(grey, (v) => v % 4)]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { ndarray } from '../core/ndarray.js';
import { loadItem, openDataset, writeDataset } from './index.js';
import { encodePng } from './png-encode.js';

const classes = [{ name: 'background' }, { name: 'disk' }, { name: 'ring' }];

async function withDir(fn: (dir: string) => void | Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-ds-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 4 RGB images 2x3, pixel value (i*18 + k)/255; labels cycle 0,1,2,255 per image. */
function content(split?: string) {
  const n = 4;
  const images = ndarray(
    Array.from({ length: n * 6 * 3 }, (_, k) => ((k % 18) + Math.floor(k / 18) * 18) / 255),
    [n, 2, 3, 3],
  );
  const labels = ndarray(
    Array.from({ length: n * 6 }, (_, k) => [0, 1, 2, 255][(k + Math.floor(k / 6)) % 4]),
    [n, 2, 3],
  );
  const annotated = ndarray([1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0], [n, 3]);
  return { images, labels, annotated, classes, split };
}

/** A palette (colour type 3) PNG built by hand: pngjs cannot write palettes. */
function palettePng(width: number, height: number, indices: number[], palette: number[][]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) rows.push(0, ...indices.slice(y * width, (y + 1) * width));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('writeDataset/openDataset/loadItem: split folders round-trip pixels, masks and annotated classes', async () => {
  await withDir(async (dir) => {
    const c = content('train');
    writeDataset(dir, c);
    const ds = openDataset(dir, { split: 'train' });
    assert.deepEqual(
      ds.items.map((i) => [i.height, i.width]),
      [
        [2, 3],
        [2, 3],
        [2, 3],
        [2, 3],
      ],
    );
    assert.equal(ds.channels, 3);
    assert.deepEqual(ds.classes, classes);
    assert.deepEqual(
      ds.items.map((i) => i.name),
      ['000000.png', '000001.png', '000002.png', '000003.png'],
    );
    assert.deepEqual(ds.items[1].annotated, [0, 2]);
    const it = await loadItem(ds, ds.items[1]);
    assert.deepEqual([...it.image], [...c.images.data.subarray(18, 36)]);
    assert.deepEqual([...it.mask], [255, 0, 1, 2, 255, 0]); // (k + 1) % 4 for k = 6..11
    assert.deepEqual([...it.annotated], [1, 0, 1]);
    // no temporary files remain next to the written files
    assert.deepEqual(readdirSync(join(dir, 'train', 'masks')).length, 4);
    assert.deepEqual(readdirSync(dir).sort(), ['classes.json', 'train']);
  });
});

test('openDataset: list-file split, grey images, no annotated.json -> all classes annotated', async () => {
  await withDir(async (dir) => {
    const images = ndarray([0, 1, 0.2, 0.4, 1, 0, 0.6, 0.8], [2, 2, 2, 1]);
    const labels = ndarray([0, 1, 1, 0, 1, 1, 0, 0], [2, 2, 2]);
    writeDataset(dir, { images, labels, classes: classes.slice(0, 2) });
    writeFileSync(join(dir, 'val.txt'), '000001\n\n');
    const ds = openDataset(dir, { split: 'val' });
    assert.equal(ds.channels, 1);
    assert.deepEqual(
      ds.items.map((i) => i.name),
      ['000001.png'],
    );
    const it = await loadItem(ds, ds.items[0]);
    assert.deepEqual([...it.image], [1, 0, Math.fround(153 / 255), Math.fround(204 / 255)]);
    assert.deepEqual([...it.annotated], [1, 1]);
  });
});

test('loadItem: palette masks give palette indices; RGB masks map through classes.json colours', async () => {
  await withDir(async (dir) => {
    const palette = Array.from({ length: 256 }, (_, i) => (i === 255 ? [224, 224, 192] : [i, 0, 0]));
    palette[2] = [0, 128, 0];
    mkdirSync(join(dir, 'images'), { recursive: true });
    mkdirSync(join(dir, 'masks'));
    writeFileSync(join(dir, 'images', 'a.png'), encodePng({ width: 2, height: 2, grey: new Uint8Array(4) }));
    writeFileSync(join(dir, 'masks', 'a.png'), palettePng(2, 2, [0, 1, 2, 255], palette));
    writeFileSync(join(dir, 'images', 'b.png'), encodePng({ width: 2, height: 2, grey: new Uint8Array(4) }));
    const rgbMask = Uint8Array.of(0, 0, 0, 200, 10, 10, 224, 224, 192, 9, 9, 9);
    writeFileSync(join(dir, 'masks', 'b.png'), encodePng({ width: 2, height: 2, rgb: rgbMask }));
    const colored = [
      { name: 'bg', color: [0, 0, 0] },
      { name: 'a', color: [200, 10, 10] },
      { name: 'b', color: [9, 9, 9] },
    ];
    writeFileSync(join(dir, 'classes.json'), JSON.stringify(colored));
    const ds = openDataset(dir);
    assert.deepEqual([...(await loadItem(ds, ds.items[0])).mask], [0, 1, 2, 255]);
    assert.deepEqual([...(await loadItem(ds, ds.items[1])).mask], [0, 1, 255, 2]);
    writeFileSync(join(dir, 'classes.json'), JSON.stringify(['bg', 'a', 'b']));
    const plain = openDataset(dir);
    await assert.rejects(() => loadItem(plain, plain.items[1]), /readDataset: .*b\.png: mask is an RGB PNG/);
  });
});

test('openDataset/loadItem: each error names the file', async () => {
  await withDir(async (dir) => {
    writeDataset(dir, content());
    const masks = join(dir, 'masks');
    const grey = (w: number, h: number, v = 0) =>
      encodePng({ width: w, height: h, grey: new Uint8Array(w * h).fill(v) });
    unlinkSync(join(masks, '000002.png'));
    assert.throws(
      () => openDataset(dir),
      /readDataset: .*000002\.png: has no mask \(expected .*masks.000002\.png\)/,
    );
    writeFileSync(join(masks, '000002.png'), grey(3, 3));
    assert.throws(() => openDataset(dir), /000002\.png: mask is 3x3 but its image is 3x2/);
    writeFileSync(join(masks, '000002.png'), grey(3, 2, 7));
    const ds = openDataset(dir);
    await assert.rejects(
      () => loadItem(ds, ds.items[2]),
      /000002\.png: mask has value 7 at pixel 0; expected a class in \[0, 3\) or 255/,
    );
    writeFileSync(join(masks, '000002.png'), 'not a png');
    assert.throws(() => openDataset(dir), /000002\.png: not a PNG or JPEG file/);
    const bytes = grey(3, 2);
    writeFileSync(join(masks, '000002.png'), bytes.subarray(0, bytes.length - 20));
    await assert.rejects(
      () => loadItem(ds, ds.items[2]),
      /readDataset: .*000002\.png: PNG chunk IDAT runs past the end of the file; the file is truncated/,
    );
    writeFileSync(join(masks, '000002.png'), grey(3, 2));
    // images of other sizes and channel counts are items too now
    writeFileSync(join(dir, 'images', '000002.png'), grey(2, 2));
    writeFileSync(join(masks, '000002.png'), grey(2, 2));
    const mixed = openDataset(dir);
    assert.deepEqual([mixed.items[2].height, mixed.items[2].width, mixed.items[2].channels], [2, 2, 1]);
    assert.equal(mixed.channels, 3);
    assert.equal((await loadItem(mixed, mixed.items[2])).image.length, 2 * 2 * 3, 'grey converted to RGB');
    assert.throws(
      () => openDataset(dir, { split: 'test' }),
      /split 'test' has neither a test\/images folder nor test\.txt/,
    );
    writeFileSync(join(dir, 'annotated.json'), JSON.stringify({ '000000.png': [5] }));
    unlinkSync(join(dir, 'images', '000002.png'));
    assert.throws(
      () => openDataset(dir),
      /annotated\.json: entry 000000\.png is \[5\]; expected class indices in \[0, 3\)/,
    );
    unlinkSync(join(dir, 'annotated.json'));
    unlinkSync(join(dir, 'classes.json'));
    assert.throws(() => openDataset(dir), /has no classes\.json; expected one, or the numClasses option/);
    assert.equal(openDataset(dir, { numClasses: 3 }).classes.length, 3);
    writeFileSync(join(dir, 'classes.json'), '{"names": 3}');
    assert.throws(() => openDataset(dir), /classes\.json: expected \["name", \.\.\.\]/);
  });
});

test('openDataset: an empty dataset is an error naming the folder', async () => {
  await withDir((dir) => {
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'masks'));
    assert.throws(() => openDataset(dir, { numClasses: 3 }), /readDataset: .*: no images found/);
  });
});

test('writeDataset: rejects bad shapes and values', async () => {
  const c = content();
  assert.throws(
    () => writeDataset('/nonexistent', { ...c, images: ndarray([0], [1, 1, 1]) }),
    /images has shape \[1,1,1\]/,
  );
  assert.throws(
    () => writeDataset('/nonexistent', { ...c, labels: ndarray([0], [1, 1, 1]) }),
    /labels has shape \[1,1,1\]/,
  );
  await withDir((dir) => {
    const labels = ndarray(
      c.labels.data.map((v) => (v === 2 ? 9 : v)),
      c.labels.shape,
    );
    assert.throws(
      () => writeDataset(dir, { ...c, labels }),
      /labels has 9 at flat index 2; expected a class in \[0, 3\) or 255/,
    );
  });
});

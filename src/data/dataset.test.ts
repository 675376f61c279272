import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { ndarray } from '../core/ndarray.js';
import { batches, loadItem, openDataset, writeDataset } from './index.js';
import { encodePng } from './png-encode.js';

const classes = [{ name: 'background' }, { name: 'disk' }, { name: 'ring' }];

function withDir(fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-ds-'));
  try {
    fn(dir);
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

test('writeDataset/openDataset/loadItem: split folders round-trip pixels, masks and annotated classes', () => {
  withDir((dir) => {
    const c = content('train');
    writeDataset(dir, c);
    const ds = openDataset(dir, { split: 'train' });
    assert.deepEqual(ds.size, [2, 3]);
    assert.equal(ds.channels, 3);
    assert.deepEqual(ds.classes, classes);
    assert.deepEqual(
      ds.items.map((i) => i.name),
      ['000000.png', '000001.png', '000002.png', '000003.png'],
    );
    assert.deepEqual(ds.items[1].annotated, [0, 2]);
    const it = loadItem(ds, ds.items[1]);
    assert.deepEqual([...it.image], [...c.images.data.subarray(18, 36)]);
    assert.deepEqual([...it.mask], [255, 0, 1, 2, 255, 0]); // (k + 1) % 4 for k = 6..11
    assert.deepEqual([...it.annotated], [1, 0, 1]);
    // no temporary files remain next to the written files
    assert.deepEqual(readdirSync(join(dir, 'train', 'masks')).length, 4);
    assert.deepEqual(readdirSync(dir).sort(), ['classes.json', 'train']);
  });
});

test('openDataset: list-file split, grey images, no annotated.json -> all classes annotated', () => {
  withDir((dir) => {
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
    const it = loadItem(ds, ds.items[0]);
    assert.deepEqual([...it.image], [1, 0, Math.fround(153 / 255), Math.fround(204 / 255)]);
    assert.deepEqual([...it.annotated], [1, 1]);
  });
});

test('loadItem: palette masks give palette indices; RGB masks map through classes.json colours', () => {
  withDir((dir) => {
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
    assert.deepEqual([...loadItem(ds, ds.items[0]).mask], [0, 1, 2, 255]);
    assert.deepEqual([...loadItem(ds, ds.items[1]).mask], [0, 1, 255, 2]);
    writeFileSync(join(dir, 'classes.json'), JSON.stringify(['bg', 'a', 'b']));
    const plain = openDataset(dir);
    assert.throws(() => loadItem(plain, plain.items[1]), /readDataset: .*b\.png: mask is an RGB PNG/);
  });
});

test('openDataset/loadItem: each error names the file', () => {
  withDir((dir) => {
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
    assert.throws(
      () => loadItem(ds, ds.items[2]),
      /000002\.png: mask has value 7 at pixel 0; expected a class in \[0, 3\) or 255/,
    );
    writeFileSync(join(masks, '000002.png'), 'not a png');
    assert.throws(() => openDataset(dir), /000002\.png: not a PNG file/);
    const bytes = grey(3, 2);
    writeFileSync(join(masks, '000002.png'), bytes.subarray(0, bytes.length - 20));
    assert.throws(() => loadItem(ds, ds.items[2]), /readDataset: .*000002\.png: cannot decode PNG/);
    writeFileSync(join(masks, '000002.png'), grey(3, 2));
    writeFileSync(join(dir, 'images', '000002.png'), grey(2, 2));
    writeFileSync(join(masks, '000002.png'), grey(2, 2));
    assert.throws(
      () => openDataset(dir),
      /images.000002\.png: image is 2x2; expected 3x2 like the first image/,
    );
    writeFileSync(join(dir, 'images', '000002.png'), grey(3, 2));
    writeFileSync(join(masks, '000002.png'), grey(3, 2));
    assert.throws(() => openDataset(dir), /000002\.png: image has 1 channel\(s\); expected 3 like the first/);
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

test('openDataset: an empty dataset is an error naming the folder', () => {
  withDir((dir) => {
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'masks'));
    assert.throws(() => openDataset(dir, { numClasses: 3 }), /readDataset: .*: no images found/);
  });
});

test('writeDataset: rejects bad shapes and values', () => {
  const c = content();
  assert.throws(
    () => writeDataset('/nonexistent', { ...c, images: ndarray([0], [1, 1, 1]) }),
    /images has shape \[1,1,1\]/,
  );
  assert.throws(
    () => writeDataset('/nonexistent', { ...c, labels: ndarray([0], [1, 1, 1]) }),
    /labels has shape \[1,1,1\]/,
  );
  withDir((dir) => {
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

test('batches: shapes, one-hot, ignore mask, annotated; seeded shuffle; streaming', () => {
  withDir((dir) => {
    writeDataset(dir, content());
    const ds = openDataset(dir);
    const all = [...batches(ds, { batchSize: 3 })];
    assert.deepEqual(
      all.map((b) => b.x.shape),
      [
        [3, 2, 3, 3],
        [1, 2, 3, 3],
      ],
    );
    const b0 = all[0];
    assert.deepEqual(b0.y.shape, [3, 2, 3, 3]);
    // image 0 labels [0,1,2,255,0,1]: pixel 1 one-hot class 1, pixel 3 ignored (all zeros)
    assert.deepEqual([...b0.y.data.subarray(3, 6)], [0, 1, 0]);
    assert.deepEqual([...b0.y.data.subarray(9, 12)], [0, 0, 0]);
    assert.deepEqual([...b0.ignore.data.subarray(0, 6)], [0, 0, 0, 1, 0, 0]);
    assert.deepEqual([...b0.annotated.data.subarray(0, 6)], [1, 1, 0, 1, 0, 1]);
    assert.equal([...batches(ds, { batchSize: 3, dropLast: true })].length, 1);
    const order = (seed: number, epoch = 0) =>
      [...batches(ds, { batchSize: 2, shuffle: true, seed, epoch })].flatMap((b) => b.names);
    assert.deepEqual(order(7), order(7));
    assert.deepEqual(
      [...order(7)].sort(),
      ds.items.map((i) => i.name),
    );
    const orders = new Set([1, 2, 3, 4, 5, 6].map((s) => order(s).join()));
    assert.ok(orders.size > 1, 'different seeds give different orders');
    // streaming: the second batch is decoded only when requested
    const it = batches(ds, { batchSize: 2 });
    assert.equal(it.next().value?.names.length, 2);
    unlinkSync(ds.items[3].imagePath);
    assert.throws(() => it.next(), /readDataset: .*000003\.png: cannot read/);
  });
});

test('batches: horizontal/vertical flips move pixels and labels together', () => {
  withDir((dir) => {
    writeDataset(dir, content());
    const ds = openDataset(dir);
    const plain = [...batches(ds, { batchSize: 4 })][0];
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      const b = [...batches(ds, { batchSize: 4, seed, flip: true })][0];
      for (let i = 0; i < 4; i++) {
        let kind = '';
        for (const [fh, fv] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ]) {
          let ok = true;
          for (let r = 0; r < 2; r++) {
            for (let q = 0; q < 3; q++) {
              const src = i * 6 + (fv ? 1 - r : r) * 3 + (fh ? 2 - q : q);
              const dst = i * 6 + r * 3 + q;
              if (b.x.data[dst * 3] !== plain.x.data[src * 3]) ok = false;
              if (b.ignore.data[dst] !== plain.ignore.data[src]) ok = false;
              for (let k = 0; k < 3; k++) if (b.y.data[dst * 3 + k] !== plain.y.data[src * 3 + k]) ok = false;
            }
          }
          if (ok) kind = `${fh}${fv}`;
        }
        assert.notEqual(kind, '', `item ${i} of seed ${seed} is no flip of the original`);
        seen.add(kind);
      }
    }
    assert.equal(seen.size, 4, 'all four flip combinations occur over 20 draws');
    const h = [...batches(ds, { batchSize: 4, seed: 3, flip: 'horizontal' })][0];
    assert.equal(h.x.shape[0], 4);
  });
});

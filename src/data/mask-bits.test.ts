import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ndarray } from '../core/ndarray.js';
import { makeBatch } from './batch.js';
import { datasetSource } from './item-source.js';
import { bitmaskToTargets, encodeBitmask, maskFromPng } from './mask-bits.js';
import { loadItem, openDataset, writeDataset } from './index.js';
import { decodeMask } from './png-io.js';
import { encodePng } from './png-encode.js';

function withDir(fn: (dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-bits-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('bitmask: encode then decode gives the multi-hot rows back (3 classes, every combination)', () => {
  // 8 pixels, pixel p has the classes of the bits of p: p = 5 -> classes 0 and 2
  const rows = Array.from({ length: 8 }, (_, p) => [p & 1, (p >> 1) & 1, (p >> 2) & 1]).flat();
  const mask = encodeBitmask(rows, 3);
  assert.deepEqual([...mask], [0, 1, 2, 3, 4, 5, 6, 7]);
  const y = new Float32Array(8 * 3);
  const ignore = new Float32Array(8);
  assert.equal(bitmaskToTargets(mask, 3, y, ignore, 0), 0);
  assert.deepEqual([...y], rows);
  assert.deepEqual([...encodeBitmask([1, 1], 2, [1])], [255]);
  assert.throws(() => maskFromPng('t', Uint8Array.of(8), 3, 'multilabel'), /value 8 at pixel 0.*\[0, 8\)/);
});

test('binary masks: 0 is negative, 1 and 255 positive; 2 is refused', () => {
  assert.deepEqual([...maskFromPng('t', Uint8Array.of(0, 1, 255, 0), 1, 'binary')], [0, 1, 1, 0]);
  assert.throws(() => maskFromPng('t', Uint8Array.of(0, 2), 1, 'binary'), /value 2 at pixel 1; expected 0/);
});

test('makeBatch, multi-label 2x2: bitmasks [1, 3; 255, 2] give multi-hot y, ignore and annotated', () => {
  const item = {
    height: 2,
    width: 2,
    image: Float32Array.of(0.1, 0.2, 0.3, 0.4),
    mask: Uint8Array.of(1, 3, 255, 2),
    annotated: Uint8Array.of(1, 0),
  };
  const b = makeBatch([item], 2, 1, null, 'multilabel');
  assert.deepEqual(b.y.shape, [1, 2, 2, 2]);
  // pixel 0: {a}; pixel 1: {a, b}; pixel 2: ignored (zeros); pixel 3: {b}
  assert.deepEqual([...b.y.data], [1, 0, 1, 1, 0, 0, 0, 1]);
  assert.deepEqual([...(b.ignore?.data ?? [])], [0, 0, 1, 0]);
  assert.deepEqual([...b.annotated.data], [1, 0]);
  assert.deepEqual([...b.labels], [1, 3, 255, 2]);
});

test('writeDataset/openDataset: a multi-label dataset round-trips its bitmasks, mode and annotated lists', () =>
  withDir(async (dir) => {
    const classes = [{ name: 'cell' }, { name: 'nucleus' }];
    writeDataset(dir, {
      images: ndarray([0, 0.5, 1, 0.25], [1, 2, 2, 1]),
      labels: { data: Uint8Array.of(0, 1, 3, 2), shape: [1, 2, 2] },
      annotated: ndarray([1, 0], [1, 2]),
      classes,
      mode: 'multilabel',
    });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'classes.json'), 'utf8')), {
      names: ['cell', 'nucleus'],
      mode: 'multilabel',
    });
    assert.deepEqual([...decodeMask(join(dir, 'masks', '000000.png')).data], [0, 1, 3, 2]);
    const ds = openDataset(dir);
    assert.equal(ds.mode, 'multilabel');
    const it = await loadItem(ds, ds.items[0]);
    assert.deepEqual([...it.mask], [0, 1, 3, 2]);
    assert.deepEqual([...it.annotated], [1, 0]);
    const src = datasetSource(ds);
    assert.equal(src.mode, 'multilabel');
  }));

test('a binary dataset: masks written 0/255, read back as 0/1; a 1/0 mask reads the same', () =>
  withDir(async (dir) => {
    writeDataset(dir, {
      images: ndarray([0, 0.5, 1, 0.25], [1, 2, 2, 1]),
      labels: { data: Uint8Array.of(0, 1, 1, 0), shape: [1, 2, 2] },
      classes: [{ name: 'lesion' }],
      mode: 'binary',
    });
    assert.deepEqual([...decodeMask(join(dir, 'masks', '000000.png')).data], [0, 255, 255, 0]);
    const ds = openDataset(dir);
    assert.equal(ds.mode, 'binary');
    assert.deepEqual([...(await loadItem(ds, ds.items[0])).mask], [0, 1, 1, 0]);
    writeFileSync(
      join(dir, 'masks', '000000.png'),
      encodePng({ width: 2, height: 2, grey: Uint8Array.of(1, 0, 255, 0) }),
    );
    assert.deepEqual([...(await loadItem(ds, ds.items[0])).mask], [1, 0, 1, 0]);
  }));

test('classes.json: binary with two classes and an unknown mode are refused naming the file', () =>
  withDir(async (dir) => {
    mkdirSync(join(dir, 'images'));
    writeFileSync(join(dir, 'classes.json'), JSON.stringify({ names: ['a', 'b'], mode: 'binary' }));
    assert.throws(() => openDataset(dir), /classes\.json: mode 'binary' has 2 classes; expected exactly 1/);
    writeFileSync(join(dir, 'classes.json'), JSON.stringify({ names: ['a'], mode: 'soft' }));
    assert.throws(() => openDataset(dir), /"mode" is "soft"; expected one of multiclass, binary, multilabel/);
  }));

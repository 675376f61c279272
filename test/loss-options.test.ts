import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { writeNpy } from '../src/data/npy.js';
import { ndarray } from '../src/core/ndarray.js';
import { checkLossOptions, listLosses, lossFunction } from '../src/losses/registry.js';

function lossFiles(): { dir: string; y: string; p: string } {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-options-'));
  // two pixels: -log 0.8 and -log 0.6
  writeNpy(join(dir, 'y.npy'), ndarray([0, 1, 1, 0], [1, 2, 2]));
  writeNpy(join(dir, 'p.npy'), ndarray([0.2, 0.8, 0.6, 0.4], [1, 2, 2]));
  return { dir, y: join(dir, 'y.npy'), p: join(dir, 'p.npy') };
}

test("segloss loss: --options' reduction is honoured; a contradicting --reduction is an error", async () => {
  const f = lossFiles();
  const base = ['loss', '--loss', 'crossentropy', '--y-true', f.y, '--y-pred', f.p, '--json'];
  const sum = -Math.log(0.8) - Math.log(0.6);
  const viaOptions = await runCli(...base, '--options', '{"reduction":"sum"}');
  assert.equal(viaOptions.code, 0, viaOptions.err);
  assert.ok(Math.abs(JSON.parse(viaOptions.out).loss - sum) < 1e-6, viaOptions.out);
  const viaFlag = await runCli(...base, '--reduction', 'sum');
  assert.ok(Math.abs(JSON.parse(viaFlag.out).loss - sum) < 1e-6, viaFlag.out);
  const plain = await runCli(...base);
  assert.ok(Math.abs(JSON.parse(plain.out).loss - sum / 2) < 1e-6, 'default mean');
  const both = await runCli(...base, '--options', '{"reduction":"sum"}', '--reduction', 'sum');
  assert.equal(both.code, 0, both.err);
  const clash = await runCli(...base, '--options', '{"reduction":"sum"}', '--reduction', 'mean');
  assert.notEqual(clash.code, 0);
  assert.match(clash.err, /segloss: segloss loss: --reduction is 'mean' but --options has reduction "sum"/);
  const bad = await runCli(...base, '--options', '{"reduction":"avg"}');
  assert.match(bad.err, /--options' reduction is "avg"; expected one of none, mean, sum/);
});

test('lossFunction and checkLossOptions validate option values, not only keys', () => {
  assert.throws(() => lossFunction('focal', { gamma: -1 }), /segloss: focal: option 'gamma' is -1/);
  assert.throws(() => lossFunction('dice', { smoothNr: -1 }), /segloss: dice: option 'smoothNr' is -1/);
  assert.throws(
    () => lossFunction('crossentropy', { classWeights: [1, 2] }, 3),
    /segloss: crossentropy: option 'classWeights' has 2 entries; expected 3/,
  );
  assert.throws(
    () => lossFunction('dice', { activation: 'softmax' }, 1),
    /segloss: dice: option 'activation' is 'softmax' but yPred has 1 channel/,
  );
  assert.throws(
    () => lossFunction('crossentropy', {}, 1),
    /segloss: crossentropy: the model has 1 output channel\(s\); this loss needs at least 2/,
  );
  assert.equal(checkLossOptions('focal', { gamma: 0.5 }).gamma, 0.5);
  // Every registered loss accepts its own defaults, and says what it takes from the data.
  for (const l of listLosses()) {
    assert.doesNotThrow(() => lossFunction(l.name, {}, 3), l.name);
    assert.equal(l.takesAnnotated, 'annotated' in l.defaults, l.name);
    assert.equal(l.takesIgnoreMask, 'ignoreMask' in l.defaults, l.name);
  }
});

test('segloss train: a bad option value fails before the run folder is written', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'segloss-train-')), 'run');
  const r = await runCli(
    'train',
    '--data',
    'synthetic',
    '--loss',
    'focal',
    '--options',
    '{"gamma":-1}',
    '--out',
    out,
    '--steps',
    '1',
  );
  assert.notEqual(r.code, 0);
  assert.match(r.err, /segloss: focal: option 'gamma' is -1; expected a number in \[0, 100\]/);
  assert.equal(existsSync(join(out, 'config.json')), false);
});

test('every loss takes one-channel inputs or refuses them naming the losses that do', () => {
  const y = ndarray([1, 0, 1, 1], [1, 4, 1]);
  const p = ndarray([0.8, 0.3, 0.6, 0.9], [1, 4, 1]);
  const takes: string[] = [];
  for (const l of listLosses()) {
    if (l.minClasses === 1) {
      const v = l.reference(y, p).data[0];
      assert.ok(Number.isFinite(v) && v > 0, `${l.name} on one channel: ${v}`);
      takes.push(l.name);
    } else {
      assert.throws(
        () => l.reference(y, p),
        new RegExp(
          `segloss: ${l.name}: yPred has 1 class\\(es\\) \\(shape \\[1,4,1\\]\\); expected at least 2 ` +
            '\\(for one-channel binary outputs use binary-crossentropy',
        ),
      );
    }
  }
  assert.deepEqual(takes, [
    'focal',
    'dice',
    'jaccard',
    'tversky',
    'binary-crossentropy',
    'multilabel-partial',
  ]);
});

/**
 * `segloss report --from` end to end on a tiny study (object drop at 0.5, crossentropy and marginal
 * cross-entropy, the oracle, seeds 1 and 2, 2 steps): with only some runs finished it merges those
 * into summary.json and report.html; the report's numbers equal the summary's and every method's
 * predictions are there; a missing folder and a folder without finished runs fail in one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import type { StudySummary } from '../src/experiment/study-types.js';

const tmp = mkdtempSync(join(tmpdir(), 'segloss-report-cli-'));
const data = join(tmp, 'data');
const out = join(tmp, 'study');

test.after(() => rmSync(tmp, { recursive: true, force: true }));

const experiment = (...extra: string[]) =>
  runCli(
    'experiment',
    ...['--data', data, '--losses', 'crossentropy,marginal-crossentropy', '--seeds', '1,2', '--out', out],
    ...['--drop-mode', 'object', '--drop-rates', '0.5', '--baselines', 'oracle'],
    ...['--steps', '2', '--batch', '4', '--checkpoint-every', '1', '--depth', '2', '--filters', '4'],
    ...['--jobs', '2', '--backend', 'wasm', ...extra],
  );

test('report --from: merges the finished runs into summary.json and a self-contained report.html', async () => {
  const synth = await runCli(
    ...['synth', '--out', data, '--n', '8', '--val-n', '2', '--test-n', '5', '--size', '16'],
    ...['--missing-rate', '0', '--seed', '1'],
  );
  assert.equal(synth.code, 0, synth.err);
  const only = 'object-0.5/crossentropy/seed-1,object-0.5/marginal-crossentropy/seed-1,oracle/seed-1';
  const r = await experiment('--only', only);
  assert.equal(r.code, 0, r.err);
  const rep = await runCli('report', '--from', out, '--backend', 'wasm', '--json');
  assert.equal(rep.code, 0, rep.err);
  const printed = JSON.parse(rep.out) as { report: string; finished: number; runs: number; notes: string[] };
  assert.deepEqual([printed.finished, printed.runs, printed.notes], [3, 6, []]);
  assert.equal(printed.report, join(out, 'report.html'));
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as StudySummary;
  assert.equal(summary.runs.filter((x) => x.meanIoU !== null).length, 3);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /<script|https?:/i);
  for (const g of summary.groups) {
    const sel = `data-method="${g.method}" data-mode="${g.dropMode}" data-rate="${g.dropRate}" data-metric="meanIoU-mean"`;
    const m = new RegExp(`<span ${sel} data-value="([^"]*)">([^<]*)</span>`).exec(html);
    assert.notEqual(m, null, sel);
    assert.equal(m?.[1], String(g.meanIoU.mean));
    assert.equal(m?.[2], (g.meanIoU.mean as number).toFixed(3));
    // one finished seed of two: no sd, no interval
    assert.deepEqual([g.meanIoU.n, g.meanIoU.sd], [1, null]);
  }
  // 4 of the 5 test images (indices floor(i * 5 / 4) = 0, 1, 2, 3) for each of the 3 methods, seed 1
  for (const method of ['crossentropy', 'marginal-crossentropy', 'oracle']) {
    const imgs = [
      ...html.matchAll(
        new RegExp(
          `<img data-method="${method}" data-seed="1" data-image="(\\d)" src="data:image/png;base64,`,
          'g',
        ),
      ),
    ];
    assert.deepEqual(
      imgs.map((x) => x[1]),
      ['0', '1', '2', '3'],
      method,
    );
  }
  // one learning curve per finished run at rate 0.5 (and the oracle)
  assert.equal([...html.matchAll(/<polyline data-method="[^"]+" data-seed="1"/g)].length, 3);
  // the summary keeps the command of the experiment that wrote the folder
  assert.match(summary.environment.command, /^segloss experiment --data /);
});

test('report --from: bad folders fail in one line, before writing anything', async () => {
  const missing = await runCli('report', '--from', join(tmp, 'nope'));
  assert.equal(missing.code, 1);
  assert.match(
    missing.err,
    /^segloss: segloss report: --from .*nope is not a folder; expected a study folder written by segloss experiment$/,
  );
  const plain = join(tmp, 'plain');
  mkdirSync(plain);
  const noStudy = await runCli('report', '--from', plain);
  assert.match(
    noStudy.err,
    /^segloss: segloss report: --from .*plain has no experiment\.json; expected a study folder/,
  );
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  copyFileSync(join(out, 'experiment.json'), join(empty, 'experiment.json'));
  const none = await runCli('report', '--from', empty);
  assert.equal(none.code, 1);
  assert.match(
    none.err,
    /^segloss: segloss report: --from .*empty has no finished runs \(none of its 6 runs has an eval\.json yet\)$/,
  );
  const badOut = await runCli('report', '--from', out, '--out', join(tmp, 'r.txt'));
  assert.match(badOut.err, /^segloss: segloss report: --out .*r\.txt must end in \.html$/);
  for (const d of [empty, plain]) {
    assert.equal(existsSync(join(d, 'summary.json')), false);
    assert.equal(existsSync(join(d, 'report.html')), false);
  }
});

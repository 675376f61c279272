import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { readNpy, writeNpy } from '../src/data/npy.js';
import { ndarray } from '../src/core/ndarray.js';

const fixtures = new URL('../fixtures/numpy-port/', import.meta.url).pathname;

const run = runCli;

test("segloss demo --json: the post's ordering, reference = tensor, figures written", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-demo-'));
  const r = await run(
    'demo',
    '--n',
    '4',
    '--size',
    '32',
    '--missing',
    '2',
    '--seed',
    '3',
    '--out',
    dir,
    '--json',
  );
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  for (const k of [
    'standardFullReference',
    'standardFullTensor',
    'standardMissing',
    'missingAwareMissing',
    'dropped',
  ]) {
    assert.ok(k in j, k);
  }
  assert.ok(Math.abs(j.standardFullReference - j.standardFullTensor) < 1e-5 * j.standardFullReference);
  assert.ok(j.standardMissing > j.standardFullReference, 'dropping labels raises the standard loss');
  assert.ok(j.missingAwareMissing < j.standardFullReference, 'the missing-aware loss falls below it');
  assert.equal(j.dropped.length, 2);
  assert.deepEqual(readdirSync(dir).sort(), ['labels.png', 'loss-maps.png']);
  assert.deepEqual([...readFileSync(join(dir, 'labels.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
});

test('segloss demo: the table in text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-demo-'));
  const r = await run('demo', '--n', '2', '--size', '24', '--missing', '1', '--out', dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /standard loss, full annotations \(reference\): \d\.\d{6}/);
  assert.match(r.out, /missing-aware loss, missing annotations: +\d\.\d{6}/);
});

test("segloss loss agrees with a literal numpy port of the post's formulas (fixtures/numpy-port)", async () => {
  const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as Array<
    Record<string, string | number>
  >;
  for (const c of cases) {
    for (const name of ['crossentropy', 'missing-aware-crossentropy']) {
      const r = await run(
        'loss',
        '--loss',
        name,
        '--y-true',
        join(fixtures, c.y as string),
        '--y-pred',
        join(fixtures, c.p as string),
        '--json',
      );
      assert.equal(r.code, 0, r.err);
      const got = JSON.parse(r.out).loss as number;
      const want = c[name] as number;
      assert.ok(Math.abs(got - want) <= 1e-5 * Math.abs(want), `${name} on ${c.y}: ${got} vs numpy ${want}`);
    }
  }
});

test('segloss loss: --annotated, --reduction none and --out write the map', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-loss-'));
  writeNpy(join(dir, 'y.npy'), ndarray([0, 1, 0, 1, 0, 0], [1, 2, 3]));
  writeNpy(join(dir, 'p.npy'), ndarray([0.1, 0.8, 0.1, 0.2, 0.1, 0.7], [1, 2, 3]));
  writeNpy(join(dir, 'a.npy'), ndarray([1, 1, 1], [1, 3]));
  const base = [
    'loss',
    '--loss',
    'missing-aware-crossentropy',
    '--y-true',
    join(dir, 'y.npy'),
    '--y-pred',
    join(dir, 'p.npy'),
  ];
  const inferred = JSON.parse((await run(...base, '--json')).out).loss;
  assert.ok(Math.abs(inferred - -Math.log(0.8) / 2) < 1e-6);
  const explicit = JSON.parse((await run(...base, '--annotated', join(dir, 'a.npy'), '--json')).out).loss;
  assert.ok(Math.abs(explicit - (-Math.log(0.8) - Math.log(0.2)) / 2) < 1e-6);
  const r = await run(...base, '--reduction', 'none', '--out', join(dir, 'map.npy'), '--json');
  assert.equal(r.code, 0, r.err);
  const map = readNpy(join(dir, 'map.npy'));
  assert.deepEqual(map.shape, [1, 2]);
  assert.ok(Math.abs(Number(map.data[0]) - -Math.log(0.8)) < 1e-6 && Number(map.data[1]) === 0);
});

test('segloss losses lists every registered loss with its options', async () => {
  const r = await run('losses', '--json');
  const rows = JSON.parse(r.out) as Array<{ name: string; defaults: Record<string, unknown> }>;
  const ce = rows.find((x) => x.name === 'crossentropy');
  assert.ok(ce && ce.defaults.epsilon === 1e-7 && ce.defaults.reduction === 'mean');
  assert.ok(rows.some((x) => x.name === 'missing-aware-crossentropy' && x.defaults.annotated === 'infer'));
});

test('segloss --help and --help on every command', async () => {
  const top = await run('--help');
  assert.equal(top.code, 0);
  for (const cmd of ['demo', 'loss', 'losses']) {
    assert.match(top.out, new RegExp(cmd));
    const r = await run(cmd, '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /USAGE/);
  }
});

const userErrors: Array<[string, string[], RegExp]> = [
  ['unknown command', ['train-it'], /unknown command 'train-it'/],
  [
    'unknown loss',
    ['loss', '--loss', 'nope', '--y-true', 'a', '--y-pred', 'b'],
    /segloss loss: --loss: unknown loss 'nope'; valid losses are .*crossentropy/,
  ],
  [
    'missing file',
    ['loss', '--loss', 'crossentropy', '--y-true', '/nonexistent/y.npy', '--y-pred', 'b'],
    /readNpy: \/nonexistent\/y.npy/,
  ],
  [
    'missing required flag',
    ['loss', '--loss', 'crossentropy'],
    /segloss loss: Missing required argument: --y-true/,
  ],
  [
    'unknown flag',
    ['demo', '--size', '32', '--colour'],
    /segloss demo: unknown option '--colour'; valid options are --n, --size/,
  ],
  ['bad integer', ['demo', '--n', 'many'], /segloss demo: --n is 'many'; expected an integer/],
  [
    'bad options JSON',
    ['loss', '--loss', 'crossentropy', '--y-true', 'a', '--y-pred', 'b', '--options', '{x'],
    /--options is not valid JSON/,
  ],
];
for (const [name, argv, message] of userErrors) {
  test(`segloss: user error, one line, exit 1: ${name}`, async () => {
    const r = await run(...argv);
    assert.equal(r.code, 1);
    assert.match(r.err, message);
    assert.equal(r.err.split('\n').length, 1, `one line: ${r.err}`);
    assert.ok(!existsSync('segloss-out/demo/never'), 'nothing written');
  });
}

test('segloss loss: an unknown option key in --options lists the valid ones', async () => {
  const y = join(fixtures, 'y0.npy');
  const p = join(fixtures, 'p0.npy');
  const r = await run(
    'loss',
    '--loss',
    'crossentropy',
    '--y-true',
    y,
    '--y-pred',
    p,
    '--options',
    '{"smooth":1}',
  );
  assert.equal(r.code, 1);
  assert.match(r.err, /unknown option 'smooth'; valid options are fromLogits/);
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../src/cli/entry.ts', import.meta.url));

test('segloss lab serves on 127.0.0.1 and Ctrl-C (SIGINT) stops it cleanly with exit code 0', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'lab', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /segloss lab: (http:\/\/127\.0\.0\.1:\d+\/) /.exec(out);
      if (m !== null) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`exited early: ${out} ${err}`)));
  });
  const res = await fetch(url, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    child.kill('SIGINT');
  });
  assert.equal(code, 0, err);
  assert.match(out, /segloss lab: stopped \(SIGINT\)/);
});

test('segloss lab rejects a bad port with one line', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'lab', '--port', 'x'], { stdio: 'pipe' });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 1);
  assert.equal(err.trim(), "segloss: segloss lab: --port is 'x'; expected an integer in [0, 65535]");
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runPool, type PoolJob } from './pool.js';

/** A job whose one process prints its start and end times (ms) after sleeping `ms`. */
const sleeper = (id: string, ms: number, out?: string): PoolJob => ({
  id,
  commands: [
    {
      command: process.execPath,
      args: ['-e', `const t=Date.now();setTimeout(()=>console.log(JSON.stringify([t,Date.now()])),${ms})`],
      ...(out ? { stdoutFile: out } : {}),
    },
  ],
});

test('runPool runs at most `jobs` processes at once and keeps the order of results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-pool-'));
  try {
    const jobs = [0, 1, 2, 3, 4].map((k) => sleeper(`j${k}`, 400, join(dir, `j${k}.json`)));
    const results = await runPool(jobs, { jobs: 2 });
    assert.deepEqual(
      results.map((r) => [r.id, r.ok]),
      jobs.map((j) => [j.id, true]),
    );
    const spans = jobs.map((j) => JSON.parse(readFileSync(join(dir, `${j.id}.json`), 'utf8')) as number[]);
    // At every start, count the processes alive: never more than 2, and 2 at some point.
    const overlap = spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length);
    assert.ok(Math.max(...overlap) <= 2, `overlap ${overlap}`);
    assert.equal(Math.max(...overlap), 2, `overlap ${overlap}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing job reports its exit code and stderr, stops its own later commands, not the others', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-pool-'));
  try {
    const never = join(dir, 'never.txt');
    const bad: PoolJob = {
      id: 'bad',
      logFile: join(dir, 'logs', 'bad.txt'),
      commands: [
        {
          command: process.execPath,
          args: ['-e', 'console.error("line 1\\nboom: bad input"); process.exit(3)'],
        },
        { command: process.execPath, args: ['-e', 'console.log("x")'], stdoutFile: never },
      ],
    };
    const [r1, r2] = await runPool([bad, sleeper('good', 10, join(dir, 'good.json'))], { jobs: 1 });
    assert.equal(r1.ok, false);
    assert.equal(r1.code, 3);
    assert.match(r1.error, /boom: bad input$/);
    assert.equal(existsSync(never), false, 'the second command of the failed job did not run');
    assert.match(readFileSync(join(dir, 'logs', 'bad.txt'), 'utf8'), /boom/);
    assert.equal(r2.ok, true);
    assert.ok(existsSync(join(dir, 'good.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing executable and bad options are clear errors', async () => {
  const [r] = await runPool([{ id: 'x', commands: [{ command: '/nonexistent/segloss-x', args: [] }] }], {
    jobs: 1,
  });
  assert.equal(r.ok, false);
  assert.match(r.error, /ENOENT/);
  await assert.rejects(runPool([], { jobs: 0 }), /segloss: runPool: jobs is 0; expected an integer >= 1/);
  await assert.rejects(
    runPool([sleeper('a', 1), sleeper('a', 1)], { jobs: 1 }),
    /segloss: runPool: job ids must be unique/,
  );
});

test('SIGTERM to a process running a pool ends its children too (no orphaned runs)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segloss-pool-'));
  const pidFile = join(dir, 'child.pid');
  const pool = fileURLToPath(new URL('./pool.ts', import.meta.url));
  const childCode = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`;
  const parentCode =
    `import { runPool } from ${JSON.stringify(pool)};\n` +
    `await runPool([{ id: 'sleep', commands: [{ command: process.execPath, args: ['-e', ${JSON.stringify(childCode)}] }] }], { jobs: 1 });`;
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', parentCode], {
    stdio: 'ignore',
  });
  try {
    const deadline = Date.now() + 20000;
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') {
      assert.ok(Date.now() < deadline, 'the child started');
      await new Promise((r) => setTimeout(r, 50));
    }
    const childPid = Number(readFileSync(pidFile, 'utf8'));
    const exited = new Promise<string | null>((r) => parent.on('exit', (_code, signal) => r(signal)));
    parent.kill('SIGTERM');
    assert.equal(await exited, 'SIGTERM');
    const alive = () => {
      try {
        process.kill(childPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const until = Date.now() + 5000;
    while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(), false, 'the child was ended with its parent');
  } finally {
    parent.kill('SIGKILL');
    // Should the forwarding fail, do not leave the sleeping child behind.
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

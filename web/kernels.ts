/** The kernel page (`/kernels.html`): runs the fixed conv-gradient case of src/lab/conv-check.ts. */
import { setupBackend } from '../src/backend/setup.js';
import { convGradCheck } from '../src/lab/conv-check.js';
import { byId, showError } from './dom.js';
import { wasmPaths } from './wasm-paths.js';

async function main(): Promise<void> {
  byId('backend').textContent = await setupBackend('wasm', { wasmPaths: wasmPaths(location.href) });
  const cases = convGradCheck();
  byId('summary').textContent = cases
    .map((c) => `${c.name}: dx[0..2] ${head(c.dx)}, dw[0..2] ${head(c.dw)}`)
    .join('\n');
  byId('result').textContent = JSON.stringify(cases);
  byId('status').textContent = 'done';
}

const head = (v: number[]) =>
  v
    .slice(0, 3)
    .map((x) => x.toFixed(5))
    .join(' ');

main().catch((e) => {
  byId('status').textContent = 'failed';
  showError(e);
});

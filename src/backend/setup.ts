/**
 * Backend choice for segloss: tfjs-node when present, else tfjs' wasm backend with segloss' gradient
 * kernels, else the pure-JS cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import { registerSeglossKernels } from './kernels/register.js';

/** The backends {@link setupBackend} can be asked for. */
export type BackendName = 'auto' | 'wasm' | 'cpu' | 'node';

/** The accepted values of `name` and of the `SEGLOSS_BACKEND` environment variable. */
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'wasm', 'cpu', 'node'];

/** Options of {@link setupBackend}. */
export interface SetupBackendOptions {
  /**
   * Where the browser fetches tfjs' `.wasm` binaries (a URL prefix ending in `/`), passed to
   * `setWasmPaths`. Not needed in Node: the package's Node build loads them from its own folder.
   */
  wasmPaths?: string;
}

const WHERE = 'setupBackend';

function envChoice(): string | undefined {
  const v = typeof process === 'undefined' ? undefined : process.env?.SEGLOSS_BACKEND;
  return v === undefined || v === '' ? undefined : v;
}

async function tryNode(): Promise<boolean> {
  // A variable specifier keeps bundlers and tsc from resolving the optional package.
  const spec = '@tensorflow/tfjs-node';
  try {
    await import(spec);
  } catch {
    return false;
  }
  return tf.setBackend('tensorflow');
}

async function tryWasm(options: SetupBackendOptions): Promise<boolean> {
  // Imported here, not at the top: importing the package registers 'wasm' as tfjs' preferred backend,
  // and a user who never calls setupBackend must still get a working (cpu) backend from tfjs.
  // segloss' kernels register after it so that they replace its slow ones.
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch {
    return false;
  }
  registerSeglossKernels();
  // In a cross-origin-isolated page tfjs would load its threaded build, whose memory is shared:
  // segloss' heap kernels bind to the unshared memory of the single-threaded build, and one thread
  // per backend keeps the browser's numbers equal to Node's (where tfjs never threads).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
  try {
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/**
 * Selects and initialises the tfjs backend, and returns the name tfjs reports for it
 * (`'tensorflow'`, `'wasm'` or `'cpu'`).
 *
 * - `'auto'` (default): `@tensorflow/tfjs-node` if it is installed, else `'wasm'`, else `'cpu'`.
 * - On wasm and cpu every kernel group of `KERNEL_GROUPS` (kernels/register.ts) is registered first;
 *   wasm always runs tfjs' single-threaded build (also in a cross-origin-isolated page).
 * - `'node'`, `'wasm'`, `'cpu'`: exactly that backend, or a `SeglossError` saying why not.
 * - The environment variable `SEGLOSS_BACKEND` (one of the same four names) overrides `name`.
 *
 * @example
 * ```ts
 * await setupBackend();        // 'wasm' on a machine without tfjs-node
 * await setupBackend('cpu');   // 'cpu'
 * ```
 */
export async function setupBackend(
  name: BackendName = 'auto',
  options: SetupBackendOptions = {},
): Promise<string> {
  const env = envChoice();
  const choice = env ?? name;
  if (!(BACKEND_NAMES as readonly string[]).includes(choice)) {
    const arg = env !== undefined ? `SEGLOSS_BACKEND='${env}'` : `name '${String(name)}'`;
    fail(WHERE, `${arg} is not a backend; expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  switch (choice as BackendName) {
    case 'node':
      if (!(await tryNode())) {
        fail(
          WHERE,
          "backend 'node' needs the package @tensorflow/tfjs-node, which is not installed or failed to load",
        );
      }
      break;
    case 'wasm':
      if (!(await tryWasm(options)))
        fail(WHERE, "backend 'wasm' failed to initialise (see tfjs' warning above)");
      break;
    case 'cpu':
      registerSeglossKernels();
      if (!(await tf.setBackend('cpu'))) fail(WHERE, "backend 'cpu' failed to initialise");
      break;
    case 'auto':
      if (!(await tryNode()) && !(await tryWasm(options))) {
        registerSeglossKernels();
        if (!(await tf.setBackend('cpu')))
          fail(WHERE, 'no backend could be initialised (tried node, wasm, cpu)');
      }
      break;
  }
  await tf.ready();
  return tf.getBackend();
}

import { defineCommand } from 'citty';
import { setupBackend, BACKEND_NAMES } from '../backend/setup.js';
import { runPostDemo } from '../experiment/post-demo.js';
import { writePostDemoFigures } from '../experiment/post-demo-figures.js';
import { backendFlag, intFlag, numberFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'demo';
const CLASS_NAMES = ['background', 'ellipse', 'square', 'disk'];

/** `segloss demo`: the post's experiment, its table and its figures. */
export const demoCommand = defineCommand({
  meta: {
    name: NAME,
    description: "Run the post's experiment: standard vs missing-aware loss under dropped labels",
  },
  args: {
    n: { type: 'string', description: 'number of images', default: '8' },
    size: { type: 'string', description: 'image height and width', default: '64' },
    missing: { type: 'string', description: 'object annotations to drop', default: '2' },
    seed: { type: 'string', description: 'random seed', default: '0' },
    quality: {
      type: 'string',
      description: 'quality of the simulated predictions (higher = closer to truth)',
      default: '3',
    },
    out: { type: 'string', description: 'folder for the figures', default: 'segloss-out/demo' },
    backend: { type: 'string', description: `tfjs backend: ${BACKEND_NAMES.join(' | ')}`, default: 'auto' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    await setupBackend(backendFlag(NAME, args.backend));
    const n = intFlag(NAME, 'n', args.n, 1, 4096);
    const result = runPostDemo({
      n,
      size: intFlag(NAME, 'size', args.size, 6, 2048),
      missing: intFlag(NAME, 'missing', args.missing, 0, 3 * n),
      seed: intFlag(NAME, 'seed', args.seed, 0, 2 ** 32 - 1),
      quality: numberFlag(NAME, 'quality', args.quality, 0, 100),
    });
    const figures = writePostDemoFigures(args.out, result);
    const dropped = result.dropped.map((d) => ({
      image: d.image,
      class: d.class,
      name: CLASS_NAMES[d.class],
    }));
    if (args.json) {
      io.out(
        JSON.stringify({
          standardFullReference: result.standardFullReference,
          standardFullTensor: result.standardFullTensor,
          standardMissing: result.standardMissing,
          missingAwareMissing: result.missingAwareMissing,
          dropped,
          figures,
        }),
      );
      return;
    }
    const f = (v: number) => v.toFixed(6);
    io.out(`standard loss, full annotations (reference): ${f(result.standardFullReference)}`);
    io.out(`standard loss, full annotations (tensor):    ${f(result.standardFullTensor)}`);
    io.out(
      `  difference: ${Math.abs(result.standardFullReference - result.standardFullTensor).toExponential(2)}`,
    );
    io.out(`dropped annotations: ${dropped.map((d) => `image ${d.image} ${d.name}`).join(', ') || 'none'}`);
    io.out(`standard loss, missing annotations:          ${f(result.standardMissing)}`);
    io.out(`missing-aware loss, missing annotations:     ${f(result.missingAwareMissing)}`);
    io.out(`figures: ${figures.labels}, ${figures.lossMaps}`);
  },
});

import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { setupBackend } from '../backend/setup.js';
import { decodeImage, readPngHeader, channelsOf } from '../data/png-io.js';
import { classPalette } from '../report/colors.js';
import { writePng } from '../data/png-encode.js';
import { loadRun, predictLabels } from '../train/model-io.js';
import { overlay } from '../train/overlay.js';
import { numberFlag } from './args.js';
import type { CliIO } from './io.js';
import { backendFlag } from './args.js';

const NAME = 'predict';
const WHERE = `segloss ${NAME}`;

/** `segloss predict`: a trained run's class map over an image, as a colour overlay PNG. */
export const predictCommand = defineCommand({
  meta: { name: NAME, description: 'Predict the class map of a PNG image and write it as a colour overlay' },
  args: {
    model: { type: 'string', description: 'run folder written by segloss train', required: true },
    image: { type: 'string', description: 'input PNG (the size the model was trained on)', required: true },
    out: { type: 'string', description: 'output PNG', required: true },
    alpha: { type: 'string', description: 'opacity of the class colours (default 0.5)' },
    backend: { type: 'string', description: 'auto | wasm | cpu | node (default auto)' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const alpha = args.alpha === undefined ? 0.5 : numberFlag(NAME, 'alpha', args.alpha, 0, 1);
    await setupBackend(backendFlag(NAME, args.backend));
    const run = loadRun(args.model, WHERE);
    const [h, w, ch] = run.config.model.inputShape;
    const header = readPngHeader(args.image);
    if (header.height !== h || header.width !== w) {
      fail(WHERE, `--image is ${header.width}x${header.height}; the model expects ${w}x${h}`);
    }
    const channels = ch as 1 | 3;
    if (channelsOf(header.colorType) !== channels && ch === 3) {
      fail(WHERE, '--image is grey; the model expects RGB');
    }
    const image = decodeImage(args.image, channels);
    const labels = predictLabels(run.model, { data: image.data, shape: [1, h, w, ch] });
    run.model.dispose();
    const palette = classPalette(run.config.model.numClasses);
    writePng(args.out, { width: w, height: h, rgb: overlay(image.data, channels, labels, palette, alpha) });
    const counts = run.config.classNames.map((name, k) => ({
      name,
      pixels: labels.filter((v) => v === k).length,
    }));
    if (args.json) {
      io.out(JSON.stringify({ out: args.out, classes: counts, colors: palette }));
      return;
    }
    io.out(`wrote ${args.out}`);
    for (const [k, c] of counts.entries())
      io.out(`  ${c.name} (rgb ${palette[k].join(',')}): ${c.pixels} px`);
  },
});

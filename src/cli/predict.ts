import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { setupBackend } from '../backend/setup.js';
import { decodeImageFile, readImageHeader } from '../data/image-io.js';
import { writeNpy } from '../data/npy.js';
import { writePng } from '../data/png-encode.js';
import { classPalette } from '../report/colors.js';
import type { Rgb } from '../report/image.js';
import { loadInferenceModel } from '../train/inference-model.js';
import { overlay } from '../train/overlay.js';
import { predictImage } from '../train/predict-image.js';
import { backendFlag, numberFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'predict';
const WHERE = `segloss ${NAME}`;

/** `segloss predict`: the class map of an image of any size (tiled), as an overlay, mask and probabilities. */
export const predictCommand = defineCommand({
  meta: {
    name: NAME,
    description: 'Predict the class map of a JPEG or PNG image of any size (tiled inference)',
  },
  args: {
    model: {
      type: 'string',
      description: 'run folder (segloss train) or exported folder (segloss export)',
      required: true,
    },
    image: { type: 'string', description: 'input JPEG or PNG, any size', required: true },
    out: { type: 'string', description: 'overlay PNG (the input size)', required: true },
    'mask-out': {
      type: 'string',
      description:
        'also write the mask as an 8-bit grey PNG in the dataset format: class indices, binary 0/255, or multi-label bitmask',
    },
    threshold: {
      type: 'string',
      description:
        'binary and multi-label models: probability in (0, 1) at which a class is predicted (default 0.5)',
    },
    'probs-out': { type: 'string', description: 'also write the probabilities [H, W, C] as float32 .npy' },
    alpha: { type: 'string', description: 'opacity of the class colours (default 0.5)' },
    overlap: { type: 'string', description: 'overlap of neighbouring windows in [0, 1) (default 0.25)' },
    blend: { type: 'string', description: 'constant | gaussian window weights (default constant)' },
    checkpoint: { type: 'string', description: 'latest | best (run folders; default latest)' },
    backend: { type: 'string', description: 'auto | wasm | cpu | node (default auto)' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  async run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const alpha = args.alpha === undefined ? 0.5 : numberFlag(NAME, 'alpha', args.alpha, 0, 1);
    const overlap = args.overlap === undefined ? 0.25 : numberFlag(NAME, 'overlap', args.overlap, 0, 0.99);
    const blend = args.blend ?? 'constant';
    if (blend !== 'constant' && blend !== 'gaussian')
      fail(WHERE, `--blend is '${blend}'; expected constant or gaussian`);
    const kind = args.checkpoint ?? 'latest';
    if (kind !== 'latest' && kind !== 'best')
      fail(WHERE, `--checkpoint is '${kind}'; expected latest or best`);
    if (args['probs-out'] !== undefined && !args['probs-out'].endsWith('.npy')) {
      fail(WHERE, `--probs-out is '${args['probs-out']}'; expected a .npy file name`);
    }
    const threshold = args.threshold === undefined ? 0.5 : Number(args.threshold);
    if (!(threshold > 0 && threshold < 1))
      fail(WHERE, `--threshold is '${args.threshold}'; expected a probability in (0, 1), e.g. 0.5`);
    readImageHeader(args.image, WHERE); // a bad image fails before the model loads
    await setupBackend(backendFlag(NAME, args.backend));
    const m = await loadInferenceModel(args.model, WHERE, kind);
    const ch = m.inputShape[2] as 1 | 3;
    const image = await decodeImageFile(args.image, ch, WHERE);
    const pred = predictImage(m.model, image, m.output, {
      overlap,
      blend,
      normalize: m.normalize,
      ...(m.mode ? { mode: m.mode, threshold } : {}),
    });
    m.model.dispose();
    // Binary and multi-label models have no background: their classes take the palette's colours after it.
    const palette =
      (m.colors as Rgb[] | undefined) ??
      (m.mode ? classPalette(m.classNames.length + 1).slice(1) : classPalette(m.classNames.length));
    const { width: w, height: h } = image;
    // The overlay colours each pixel by one class: the arg-max, or the lowest class set in the bitmask
    // (shifted by one so that 0 = no class keeps the image).
    const shown = m.mode ? pred.labels.map((b) => (b === 0 ? 0 : 32 - Math.clz32(b & -b))) : pred.labels;
    const shownPalette: Rgb[] = m.mode ? [[0, 0, 0], ...palette] : palette;
    writePng(args.out, { width: w, height: h, rgb: overlay(image.data, ch, shown, shownPalette, alpha) });
    const maskPx = m.mode === 'binary' ? pred.labels.map((b) => (b ? 255 : 0)) : pred.labels;
    if (args['mask-out'] !== undefined) writePng(args['mask-out'], { width: w, height: h, grey: maskPx });
    if (args['probs-out'] !== undefined)
      writeNpy(args['probs-out'], { data: pred.probs, shape: [h, w, pred.numClasses] });
    const counts = new Array<number>(m.classNames.length).fill(0);
    if (m.mode)
      for (const b of pred.labels) for (let k = 0; k < counts.length; k++) counts[k] += (b >> k) & 1;
    else for (const v of pred.labels) counts[v]++;
    const classes = m.classNames.map((name, k) => ({ name, pixels: counts[k] }));
    if (args.json) {
      io.out(JSON.stringify({ out: args.out, width: w, height: h, classes, colors: palette }));
      return;
    }
    io.out(`wrote ${args.out} (${w}x${h})`);
    for (const [k, c] of classes.entries())
      io.out(`  ${c.name} (rgb ${palette[k].join(',')}): ${c.pixels} px`);
  },
});

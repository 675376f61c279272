import { defineCommand } from 'citty';
import { fail } from '../core/errors.js';
import { readNpy, toNdArray, writeNpy } from '../data/npy.js';
import { getLoss } from '../losses/registry.js';
import { REDUCTIONS, type Reduction } from '../core/reduction.js';
import { jsonObjectFlag } from './args.js';
import type { CliIO } from './io.js';

const NAME = 'loss';

/** `segloss loss`: a registered loss on arrays saved from numpy. */
export const lossCommand = defineCommand({
  meta: { name: NAME, description: 'Compute a registered loss on .npy arrays ([N,H,W,C] or [N,P,C])' },
  args: {
    loss: { type: 'string', description: 'loss name (see `segloss losses`)', required: true },
    'y-true': {
      type: 'string',
      description: 'targets .npy, one-hot or soft, values in [0, 1]',
      required: true,
    },
    'y-pred': {
      type: 'string',
      description: 'predictions .npy: probabilities, or logits with --from-logits',
      required: true,
    },
    annotated: { type: 'string', description: 'optional [N,C] .npy: 1 = the image annotates class c' },
    'from-logits': { type: 'boolean', description: 'y-pred holds logits' },
    reduction: {
      type: 'string',
      description: "mean | sum | none (default: the options' reduction, else mean)",
    },
    options: { type: 'string', description: 'JSON object of loss options, e.g. \'{"epsilon":1e-7}\'' },
    out: { type: 'string', description: 'write the per-pixel loss map (reduction none) to this .npy' },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  run({ args, data }) {
    const io = (data as { io: CliIO }).io;
    const where = `segloss ${NAME}`;
    const loss = getLossForCli(args.loss);
    const given = jsonObjectFlag(NAME, 'options', args.options);
    const reduction = cliReduction(where, args.reduction, given.reduction);
    const options: Record<string, unknown> = { ...given, reduction };
    if (args['from-logits']) options.fromLogits = true;
    if (args.annotated !== undefined) {
      if (!loss.takesAnnotated) fail(where, `--annotated: loss '${loss.name}' takes no annotated mask`);
      options.annotated = toNdArray(readNpy(args.annotated));
    }
    const yTrue = toNdArray(readNpy(args['y-true']));
    const yPred = toNdArray(readNpy(args['y-pred']));
    const value = loss.reference(yTrue, yPred, options);
    if (args.out !== undefined)
      writeNpy(args.out, loss.reference(yTrue, yPred, { ...options, reduction: 'none' }));
    const result = reduction === 'none' ? Array.from(value.data) : value.data[0];
    if (args.json) {
      io.out(
        JSON.stringify({
          loss: result,
          name: loss.name,
          reduction,
          shape: value.shape,
          out: args.out ?? null,
        }),
      );
    } else {
      io.out(
        reduction === 'none'
          ? `${loss.name} map ${JSON.stringify(value.shape)}`
          : `${loss.name} (${reduction}): ${result}`,
      );
      if (args.out !== undefined) io.out(`map written to ${args.out}`);
    }
  },
});

/**
 * The reduction of `segloss loss`: the `--reduction` flag, else the options' `reduction`, else `'mean'`.
 * A flag that contradicts the options is an error (neither silently wins).
 */
export function cliReduction(where: string, flag: string | undefined, fromOptions: unknown): Reduction {
  if (flag !== undefined && fromOptions !== undefined && flag !== fromOptions) {
    fail(
      where,
      `--reduction is '${flag}' but --options has reduction ${JSON.stringify(fromOptions)}; give one of them`,
    );
  }
  const value = flag ?? fromOptions ?? 'mean';
  if (typeof value !== 'string' || !REDUCTIONS.includes(value as Reduction)) {
    const source = flag !== undefined ? '--reduction' : "--options' reduction";
    fail(where, `${source} is ${JSON.stringify(value)}; expected one of ${REDUCTIONS.join(', ')}`);
  }
  return value as Reduction;
}

function getLossForCli(name: string) {
  try {
    return getLoss(name);
  } catch (e) {
    fail(`segloss ${NAME}`, `--loss: ${(e as Error).message.replace(/^segloss: getLoss: /, '')}`);
  }
}

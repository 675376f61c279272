import { fail } from '../core/errors.js';
import type { DatasetMode } from '../data/classes.js';
import { getLoss } from '../losses/registry.js';

/** The default loss of a dataset mode: `multilabel-partial` (multi-label), `binary-crossentropy` (binary). */
export const MODE_DEFAULT_LOSS: Readonly<Record<Exclude<DatasetMode, 'multiclass'>, string>> = {
  multilabel: 'multilabel-partial',
  binary: 'binary-crossentropy',
};

/**
 * The loss name, options and model output of a run on data of `mode`. Multiclass keeps what is given
 * (output `softmax`, or `logits` with `fromLogits: true`). Binary and multi-label need a loss that
 * takes one-channel sigmoid outputs (registry `minClasses` 1); a loss with a `mode` option gets the
 * data's mode unless the options set it; the output is `sigmoid` (or `logits` with `fromLogits: true`).
 *
 * @example
 * ```ts
 * lossForMode('train', null, {}, 'multilabel'); // {name: 'multilabel-partial', options: {}, output: 'sigmoid'}
 * lossForMode('train', 'crossentropy', {}, 'binary'); // throws: segloss: train: --loss crossentropy ...
 * ```
 * @throws SeglossError naming `--loss` when the loss is softmax-only or missing in multiclass mode.
 */
export function lossForMode(
  where: string,
  name: string | null,
  options: Record<string, unknown>,
  mode: DatasetMode,
): { name: string; options: Record<string, unknown>; output: 'softmax' | 'sigmoid' | 'logits' } {
  const logits = options.fromLogits === true;
  if (mode === 'multiclass') {
    if (name === null) fail(where, '--loss is required (see `segloss losses`)');
    return { name, options, output: logits ? 'logits' : 'softmax' };
  }
  const lossName = name ?? MODE_DEFAULT_LOSS[mode];
  const loss = getLoss(lossName);
  if (loss.minClasses !== 1) {
    fail(
      where,
      `--loss ${lossName} is softmax-only but the data is ${mode}; expected a sigmoid loss ` +
        '(multilabel-partial, binary-crossentropy, dice, jaccard, tversky or focal)',
    );
  }
  const withMode = 'mode' in loss.defaults && options.mode === undefined ? { ...options, mode } : options;
  return { name: lossName, options: withMode, output: logits ? 'logits' : 'sigmoid' };
}

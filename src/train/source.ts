import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fail } from '../core/errors.js';
import { openDataset, type Dataset } from '../data/dataset.js';
import { arraySource, datasetSource, type ItemSource } from '../data/item-source.js';
import { splitNames } from '../data/layout.js';
import { SCENE_CLASSES } from '../synth/scenes.js';
import { synthSplits } from '../synth/splits.js';
import type { DataConfig, DatasetDataConfig } from './config.js';

/** An opened split: its item source and, for dataset folders, the dataset behind it. */
export interface OpenedSplit {
  readonly source: ItemSource;
  readonly dataset?: Dataset;
}

/** Opens `split` of the dataset folder(s) `dirs` (`null` = every item), images as `channels`. */
export function openSplit(dirs: readonly string[], split: string | null, channels?: 1 | 3): OpenedSplit {
  const dataset = openDataset(dirs, split === null ? {} : { split });
  return { source: datasetSource(dataset, channels ?? dataset.channels), dataset };
}

/**
 * The train and validation splits of a run's data config, images converted to `channels`. For a
 * dataset the split names are chosen by {@link datasetDataConfig}.
 */
export function openSources(data: DataConfig, channels?: 1 | 3): { train: OpenedSplit; val?: OpenedSplit } {
  if (data.kind === 'synthetic') {
    const names = SCENE_CLASSES.slice(0, data.numClasses);
    const s = synthSplits({ ...data, testN: 0 });
    return {
      train: { source: arraySource(s.train, names) },
      val: s.val && { source: arraySource(s.val, names) },
    };
  }
  const train = openSplit(data.dirs, data.split, channels);
  const val = data.valSplit === null ? undefined : openSplit(data.dirs, data.valSplit, channels);
  return { train, val };
}

/**
 * A dataset data config for the folder(s) `dirs` (a union when several): splits `train` and `val`
 * when every folder has them, else every item for training and no validation.
 */
export function datasetDataConfig(dirs: readonly string[], where = 'train'): DatasetDataConfig {
  const abs = dirs.map((d) => resolve(d));
  abs.forEach((d, i) => {
    if (!existsSync(d))
      fail(where, `--data folder ${dirs[i]} not found; expected a dataset folder or 'synthetic'`);
  });
  const has = (s: string) => abs.every((d) => splitNames(d).includes(s));
  return {
    kind: 'dataset',
    dirs: abs,
    split: has('train') ? 'train' : null,
    valSplit: has('val') ? 'val' : null,
  };
}

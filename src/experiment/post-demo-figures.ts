import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { PostDemoResult } from './post-demo.js';
import { argmaxLabels } from '../metrics/confusion.js';
import { labelGridFigure, lossMapFigure } from '../report/figure.js';
import { writePng } from '../data/png-encode.js';

/** The files {@link writePostDemoFigures} writes, by role. */
export interface PostDemoFigures {
  readonly labels: string;
  readonly lossMaps: string;
}

/**
 * Writes the post's figures into `dir` (created if needed; each file atomically):
 * `labels.png` (ground truth, ground truth with dropped annotations, argmax of the predictions, one row
 * per image) and `loss-maps.png` (per-pixel cross-entropy and missing-aware loss on the dropped labels,
 * one shared colour scale).
 */
export function writePostDemoFigures(dir: string, result: PostDemoResult): PostDemoFigures {
  mkdirSync(dir, { recursive: true });
  const numClasses = result.predictions.shape[result.predictions.shape.length - 1];
  const predicted = { data: argmaxLabels(result.predictions), shape: result.labelsFull.shape };
  const labels = join(dir, 'labels.png');
  const lossMaps = join(dir, 'loss-maps.png');
  writePng(
    labels,
    labelGridFigure(
      [
        { title: 'truth', labels: result.labelsFull },
        { title: 'dropped', labels: result.labelsMissing },
        { title: 'predicted', labels: predicted },
      ],
      { numClasses, scale: 2 },
    ),
  );
  writePng(
    lossMaps,
    lossMapFigure(
      [
        { title: 'crossentropy', values: result.mapStandardMissing },
        { title: 'missing-aware', values: result.mapMissingAware },
      ],
      { scale: 2 },
    ),
  );
  return { labels, lossMaps };
}

/**
 * How the data-parallel executor (worker-executor.ts) divides a step: the workers' shards of the batch
 * and which of the two paths of protocol.ts a run's loss takes. Browser-safe.
 */
import { getLoss } from '../../losses/registry.js';
import type { RunConfig } from '../config.js';

/**
 * Images `start … start + count − 1` of each worker: contiguous shards whose sizes differ by at most 1,
 * the larger ones first.
 *
 * @example `shardBatch(5, 2)` is `[{ start: 0, count: 3 }, { start: 3, count: 2 }]`.
 */
export function shardBatch(batchSize: number, workers: number): { start: number; count: number }[] {
  const base = Math.floor(batchSize / workers);
  const extra = batchSize % workers;
  const out: { start: number; count: number }[] = [];
  for (let k = 0, start = 0; k < workers; k++) {
    const count = base + (k < extra ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
}

/**
 * Whether a run's steps take path 1 of worker-executor.ts' header (the loss in the workers): the loss has a
 * `meanParts` and no option fixes a whole-batch tensor (an explicit `annotated` array of the
 * batch's images would not split by shard).
 *
 * @example `usesInWorkerLoss(config)` is true for `crossentropy`, false for `dice`.
 */
export function usesInWorkerLoss(config: RunConfig): boolean {
  const annotated = config.loss.options.annotated;
  const whole = annotated !== undefined && annotated !== null && typeof annotated !== 'string';
  return getLoss(config.loss.name).meanParts !== undefined && !whole;
}

/** Experiments: the post's demo, and grids of (loss, seed) training runs in a pool of processes. */
export {
  runPostDemo,
  postDemoInputs,
  type PostDemoOptions,
  type PostDemoResult,
  type PostDemoInputs,
} from './post-demo.js';
export {
  runExperiment,
  planExperiment,
  seglossCommand,
  type ExperimentConfig,
  type ExperimentResult,
  type PlannedRun,
} from './grid.js';
export { runPool, type PoolCommand, type PoolJob, type PoolOptions, type PoolResult } from './pool.js';
export {
  meanSd,
  summarise,
  summaryMarkdown,
  type MeanSd,
  type LossSummary,
  type RunOutcome,
  type RunScores,
} from './summary.js';

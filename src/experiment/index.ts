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
  writeStudySummary,
  seglossCommand,
  type ExperimentConfig,
  type ExperimentResult,
} from './grid.js';
export {
  planStudy,
  studyMethods,
  checkStudyConfig,
  trainArgsOf,
  evalArgsOf,
  BASELINES,
  type StudyConfig,
  type StudyMethod,
  type PlannedStudyRun,
  type Baseline,
  type AnnotatedSource,
} from './study-plan.js';
export { buildStudySummary, aggregateStudy, readStudyConfig, readRunScores } from './study-summary.js';
export { studyMarkdown, formatAggregate } from './study-markdown.js';
export { studyEnvironment, folderHash } from './environment.js';
export * from './statistics.js';
export type * from './study-types.js';
export { runPool, type PoolCommand, type PoolJob, type PoolOptions, type PoolResult } from './pool.js';
export { renderStudyReport, reportMethods, reportModes } from './study-report.js';
export {
  collectReportAssets,
  reportRates,
  type ReportAssets,
  type ReportAssetOptions,
  type ReportCurve,
  type ReportPredictions,
} from './study-report-assets.js';
export { writeStudyReport, type WriteStudyReportOptions } from './study-report-write.js';
export { escapeHtml } from './study-report-html.js';

/**
 * The schema of an experiment's `summary.json` (format `segloss-study`, version 1): the contract for
 * users' scripts, written by `segloss experiment` and `segloss report --from`, read by the HTML report.
 *
 * A study trains every method at every (drop mode, drop rate) with every seed, evaluates each run on
 * fully annotated test images, and aggregates over seeds (`groups`) and against crossentropy at the
 * same (mode, rate) as paired differences (`comparisons`).
 */

/** How labels were removed from a fully annotated training split (`'none'`: the data as it is). */
export type DropMode = 'none' | 'object' | 'class' | 'subset';

/** Mean, sample standard deviation and 95% t-interval of a metric over seeds (nulls where undefined). */
export interface Aggregate {
  mean: number | null;
  sd: number | null;
  /** `mean ± t(0.975, n-1) * sd / sqrt(n)`; null for fewer than 2 values. */
  ci95: [number, number] | null;
  n: number;
  /** Every seed's value, in seed order (null where the run failed or the value is undefined). */
  values: (number | null)[];
}

/** One finished (or failed) run. */
export interface StudyRun {
  /** A loss name, `loss@infer` (annotated classes inferred), or a baseline (`oracle`, `drop-incomplete`, `ignore-background`). */
  method: string;
  dropMode: DropMode;
  dropRate: number;
  seed: number;
  /** Test mean IoU over classes (null when the run failed). */
  meanIoU: number | null;
  /** Per class, in class order (background first). */
  perClassIoU: (number | null)[];
  perClassDice: (number | null)[];
  /**
   * Per class: fraction of test images where the class is truly absent but predicted on at least one
   * pixel (null for background and for classes present in every test image).
   */
  absentFalsePositiveRate: (number | null)[];
  /** Run folder, relative to the study folder. */
  dir: string;
  /** Why the run has no scores (its log's last lines), when it failed. */
  error?: string;
}

/** A method at one (mode, rate), aggregated over seeds. */
export interface StudyGroup {
  method: string;
  dropMode: DropMode;
  dropRate: number;
  seeds: number[];
  meanIoU: Aggregate;
  perClassIoU: Aggregate[];
  perClassDice: Aggregate[];
  /** Mean over the foreground classes of `absentFalsePositiveRate`, per seed, aggregated. */
  absentFalsePositiveRate: Aggregate;
  /** `oracle mean IoU - this mean IoU` per seed (paired by seed), aggregated; null without an oracle. */
  gapToOracle: Aggregate | null;
}

/** A method against the reference method (crossentropy) at the same (mode, rate), paired by seed. */
export interface StudyComparison {
  method: string;
  reference: string;
  dropMode: DropMode;
  dropRate: number;
  /** Seeds where both runs finished. */
  n: number;
  /** Mean of `method - reference` test mean IoU over the paired seeds. */
  meanDifference: number | null;
  ci95: [number, number] | null;
  /** Paired t statistic, `n - 1` degrees of freedom, two-sided p-value. */
  t: number | null;
  df: number;
  p: number | null;
  /** Holm-corrected p-value across all comparisons of the study. */
  pHolm: number | null;
  /** Seeds where the method beat the reference / lost / tied. */
  wins: number;
  losses: number;
  ties: number;
}

/** Where and how the study ran. */
export interface StudyEnvironment {
  seglossVersion: string;
  /** `git rev-parse HEAD` of the segloss checkout, when known. */
  gitCommit: string | null;
  tfjsVersion: string;
  backend: string;
  /** SHA-256 over the dataset folder's files (names and bytes), hex. */
  datasetHash: string;
  /** The full command line. */
  command: string;
  node: string;
  cpus: number;
}

/** `summary.json`. */
export interface StudySummary {
  format: 'segloss-study';
  version: 1;
  /** The settings of the study (data, methods, modes, rates, seeds, training flags). */
  config: Record<string, unknown>;
  classNames: string[];
  runs: StudyRun[];
  groups: StudyGroup[];
  comparisons: StudyComparison[];
  environment: StudyEnvironment;
}

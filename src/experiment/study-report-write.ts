/** Writes a study folder's `report.html` from its summary and run folders. */
import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomic.js';
import { collectReportAssets, type ReportAssetOptions } from './study-report-assets.js';
import { renderStudyReport } from './study-report.js';
import type { StudySummary } from './study-types.js';

/** Options of {@link writeStudyReport}. */
export interface WriteStudyReportOptions extends ReportAssetOptions {
  /** Where to write (default `<outDir>/report.html`). */
  file?: string;
}

/**
 * Collects the report's assets from the study folder `outDir` (`collectReportAssets`), renders
 * `report.html` (`renderStudyReport`) and writes it atomically. Call after `setupBackend` (the
 * predictions load each method's model).
 *
 * @returns the path written and the notes about what could not be shown
 * @example
 * ```ts
 * await setupBackend();
 * await writeStudyReport('runs/study', summary); // { file: 'runs/study/report.html', notes: [] }
 * ```
 */
export async function writeStudyReport(
  outDir: string,
  summary: StudySummary,
  options: WriteStudyReportOptions = {},
): Promise<{ file: string; notes: string[] }> {
  const file = options.file ?? join(outDir, 'report.html');
  const assets = await collectReportAssets(outDir, summary, options);
  writeFileAtomic('writeStudyReport', file, renderStudyReport(summary, assets));
  return { file, notes: assets.notes };
}

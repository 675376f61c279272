/**
 * The study report in Chromium: opened from a file:// URL it loads nothing but itself (no request
 * other than the page, no console error), its images decode, it prints to PDF, and the numbers it
 * shows equal the summary's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderStudyReport } from '../src/experiment/study-report.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { handAssets, handSummary } from './helpers/study-fixture.js';

const skip = hasChromium() ? false : 'chromium is not installed (apt-get install chromium)';

test(
  'study report in Chromium: no request but the page, no console error, numbers equal summary.json',
  { skip },
  async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'segloss-report-'));
    const summary = handSummary();
    const file = join(tmp, 'report.html');
    writeFileSync(file, renderStudyReport(summary, handAssets()));
    const url = pathToFileURL(file).href;
    const browser = await launchBrowser();
    try {
      const { page, problems } = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url, { waitUntil: 'load' });
      assert.deepEqual(
        requests.filter((u) => !u.startsWith('data:')),
        [url],
      );
      assert.deepEqual(problems, []);
      // every image decoded (2x2 PNGs)
      const sizes = await page.$$eval('img', (els) =>
        els.map((e) => [(e as HTMLImageElement).naturalWidth, (e as HTMLImageElement).complete]),
      );
      assert.equal(sizes.length, 10);
      for (const s of sizes) assert.deepEqual(s, [2, true]);
      // the numbers as the reader sees them
      const shown = await page.$$eval('[data-metric]', (els) =>
        els.map((e) => {
          const d = (e as HTMLElement).dataset;
          const [method, mode, rate, metric, value] = [d.method, d.mode, d.rate, d.metric, d.value];
          return { method, mode, rate, metric, value, text: (e as HTMLElement).innerText };
        }),
      );
      const find = (method: string, mode: string, rate: number, metric: string) => {
        const hits = shown.filter(
          (s) => s.method === method && s.mode === mode && s.rate === String(rate) && s.metric === metric,
        );
        assert.equal(hits.length, 1, `${method} ${mode} ${rate} ${metric}`);
        return hits[0];
      };
      const f3 = (v: number) => (v < 0 ? `\u2212${(-v).toFixed(3)}` : v.toFixed(3));
      for (const g of summary.groups) {
        const mean = find(g.method, g.dropMode, g.dropRate, 'meanIoU-mean');
        assert.equal(Number(mean.value), g.meanIoU.mean);
        assert.equal(mean.text, f3(g.meanIoU.mean as number));
        assert.equal(find(g.method, g.dropMode, g.dropRate, 'meanIoU-sd').text, f3(g.meanIoU.sd as number));
        const [lo, hi] = g.meanIoU.ci95 as [number, number];
        assert.equal(find(g.method, g.dropMode, g.dropRate, 'meanIoU-ci-lo').text, f3(lo));
        assert.equal(find(g.method, g.dropMode, g.dropRate, 'meanIoU-ci-hi').text, f3(hi));
        assert.equal(find(g.method, g.dropMode, g.dropRate, 'meanIoU-n').text, String(g.meanIoU.n));
        assert.equal(
          find(g.method, g.dropMode, g.dropRate, 'absentFP-mean').text,
          f3(g.absentFalsePositiveRate.mean as number),
        );
      }
      for (const c of summary.comparisons) {
        assert.equal(
          find(c.method, c.dropMode, c.dropRate, 'diff-mean').text,
          f3(c.meanDifference as number),
        );
        assert.equal(find(c.method, c.dropMode, c.dropRate, 'pHolm').text, (c.pHolm as number).toFixed(4));
        assert.equal(find(c.method, c.dropMode, c.dropRate, 'wins').text, String(c.wins));
      }
      // a table cell reads as mean ± sd [lo, hi] n=2
      const cell = await page.$eval('#table-meanIoU-object tbody tr td', (e) => (e as HTMLElement).innerText);
      assert.equal(cell, '0.908 ± 0.007 [0.849, 0.966] n=2\ngap to oracle 0.050');
      // the escaped strings read back as the original text
      assert.equal(await page.$eval('#command', (e) => e.textContent), summary.environment.command);
      // the page is printable
      const pdf = await page.pdf({ format: 'A4' });
      assert.equal(Buffer.from(pdf.subarray(0, 5)).toString(), '%PDF-');
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);

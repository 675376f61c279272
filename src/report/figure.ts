import { fail, formatShape } from '../core/errors.js';
import type { Shape } from '../core/ndarray.js';
import { classPalette, finiteRange, heatmapToRgb, labelsToRgb, viridis } from './colors.js';
import { GLYPH_HEIGHT, textWidth } from './font.js';
import { blit, createImage, drawText, fillRect, type Rgb, type RgbImage } from './image.js';

const INK: Rgb = [20, 20, 20];

/** Options of {@link composeGrid}. */
export interface GridOptions {
  /** Tiles per row. */
  readonly cols: number;
  /** Blank pixels around and between tiles (default 4). */
  readonly padding?: number;
  /** One title per tile, drawn above it with the 5x7 font ('' for none). */
  readonly titles?: readonly string[];
  readonly background?: Rgb;
}

/**
 * Lays tiles out in a grid, row by row, each in a cell as large as the largest tile, with optional
 * titles above the tiles. Returns the composed image.
 *
 * Size: `width = cols * (cellW + padding) + padding` (cellW = widest tile or title + 2), `height = rows * (cellH + titleH + padding) + padding`
 * where `titleH = 7 + 3` when titles are given, else 0.
 */
export function composeGrid(tiles: readonly RgbImage[], options: GridOptions): RgbImage {
  const { cols } = options;
  const padding = options.padding ?? 4;
  if (!Number.isInteger(cols) || cols < 1)
    fail('composeGrid', `cols is ${cols}; expected a positive integer`);
  if (tiles.length === 0) fail('composeGrid', 'tiles is empty; expected at least one tile');
  if (options.titles && options.titles.length !== tiles.length) {
    fail(
      'composeGrid',
      `titles has ${options.titles.length} entries; expected one per tile (${tiles.length})`,
    );
  }
  // a cell is as wide as its widest tile or title, so titles never run into the next column
  const cellW = Math.max(
    ...tiles.map((t) => t.width),
    ...(options.titles ?? []).map((t) => textWidth(t) + 2),
  );
  const cellH = Math.max(...tiles.map((t) => t.height));
  const titleH = options.titles ? GLYPH_HEIGHT + 3 : 0;
  const rows = Math.ceil(tiles.length / cols);
  const img = createImage(
    cols * (cellW + padding) + padding,
    rows * (cellH + titleH + padding) + padding,
    options.background,
  );
  tiles.forEach((tile, k) => {
    const x = padding + (k % cols) * (cellW + padding);
    const y = padding + Math.floor(k / cols) * (cellH + titleH + padding);
    const title = options.titles?.[k] ?? '';
    if (title) drawText(img, title, x, y, INK);
    blit(img, tile, x, y + titleH);
  });
  return img;
}

/** Formats a number compactly for labels: 3 significant digits, no trailing zeros. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e-3 && a < 1e4 ? v.toPrecision(3) : v.toExponential(2);
  return s
    .replace(/(\.\d*?)0+(?=e|$)/, '$1')
    .replace(/\.(?=e|$)/, '')
    .replace('e+', 'e');
}

/**
 * A vertical viridis colour scale: a bar `barWidth` × `height` (max at the top, min at the bottom) with
 * the max label beside its top and the min label beside its bottom.
 */
export function colorBar(range: { min: number; max: number }, height: number, barWidth = 12): RgbImage {
  const labels = [formatValue(range.max), formatValue(range.min)];
  const width = barWidth + 3 + Math.max(...labels.map((l) => textWidth(l)));
  const img = createImage(width, Math.max(height, 2 * GLYPH_HEIGHT));
  for (let y = 0; y < img.height; y++) {
    const t = img.height === 1 ? 1 : 1 - y / (img.height - 1);
    fillRect(img, 0, y, barWidth, 1, viridis(t));
  }
  drawText(img, labels[0], barWidth + 3, 0, INK);
  drawText(img, labels[1], barWidth + 3, img.height - GLYPH_HEIGHT, INK);
  return img;
}

/** A column of a segmentation figure: a label map or a heat map per image, `[N, H, W]`. */
export type FigureColumn =
  | {
      readonly title: string;
      readonly kind: 'labels';
      readonly data: ArrayLike<number>;
      readonly shape: Shape;
    }
  | {
      readonly title: string;
      readonly kind: 'heatmap';
      readonly data: ArrayLike<number>;
      readonly shape: Shape;
    };

/** Options of {@link segmentationFigure}. */
export interface FigureOptions {
  /** Number of classes, for the palette ({@link classPalette}). */
  readonly numClasses: number;
  /** Integer zoom of each pixel (default 2). */
  readonly scale?: number;
  /** Heat-map range; defaults to the finite range over all heat-map columns (one shared scale). */
  readonly range?: { readonly min: number; readonly max: number };
  readonly padding?: number;
}

/**
 * One row per image, one column per entry of `columns` (ground truth, dropped annotations,
 * predictions, loss maps, ...), column titles on the first row, and — when there are heat-map
 * columns — a shared colour scale on the right with its min and max.
 */
export function segmentationFigure(columns: readonly FigureColumn[], options: FigureOptions): RgbImage {
  if (columns.length === 0) fail('segmentationFigure', 'columns is empty');
  const shape = columns[0].shape;
  for (const c of columns) {
    if (c.shape.length !== 3 || c.shape.some((d, i) => d !== shape[i])) {
      fail(
        'segmentationFigure',
        `column '${c.title}' has shape ${formatShape(c.shape)}; expected [N,H,W] = ${formatShape(shape)}`,
      );
    }
  }
  const [n, h, w] = shape;
  const scale = options.scale ?? 2;
  const palette = classPalette(options.numClasses);
  const heat = columns.filter((c) => c.kind === 'heatmap');
  const range =
    options.range ??
    finiteRange(
      heat.flatMap((c) => {
        const r = finiteRange(c.data);
        return [r.min, r.max];
      }),
    );
  const tiles: RgbImage[] = [];
  const titles: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const c of columns) {
      const slice = Array.prototype.slice.call(c.data, i * h * w, (i + 1) * h * w) as number[];
      const rgb = c.kind === 'labels' ? labelsToRgb(slice, palette) : heatmapToRgb(slice, range);
      const tile = createImage(w * scale, h * scale);
      blit(tile, { width: w, height: h, rgb }, 0, 0, scale);
      tiles.push(tile);
      titles.push(i === 0 ? c.title : '');
    }
  }
  const grid = composeGrid(tiles, { cols: columns.length, titles, padding: options.padding });
  if (heat.length === 0) return grid;
  const bar = colorBar(range, grid.height - 2 * (options.padding ?? 4) - GLYPH_HEIGHT - 3);
  const out = createImage(grid.width + bar.width + 4, grid.height);
  blit(out, grid, 0, 0);
  blit(out, bar, grid.width, (options.padding ?? 4) + GLYPH_HEIGHT + 3);
  return out;
}

/** {@link segmentationFigure} of label maps only (e.g. truth, truth with dropped annotations, prediction). */
export function labelGridFigure(
  columns: readonly { title: string; labels: { data: ArrayLike<number>; shape: Shape } }[],
  options: FigureOptions,
): RgbImage {
  return segmentationFigure(
    columns.map((c) => ({
      title: c.title,
      kind: 'labels' as const,
      data: c.labels.data,
      shape: c.labels.shape,
    })),
    options,
  );
}

/** {@link segmentationFigure} of per-pixel loss maps `[N,H,W]` with one shared colour scale. */
export function lossMapFigure(
  maps: readonly { title: string; values: { data: ArrayLike<number>; shape: Shape } }[],
  options: Omit<FigureOptions, 'numClasses'> & { numClasses?: number },
): RgbImage {
  return segmentationFigure(
    maps.map((m) => ({
      title: m.title,
      kind: 'heatmap' as const,
      data: m.values.data,
      shape: m.values.shape,
    })),
    { numClasses: 2, ...options },
  );
}

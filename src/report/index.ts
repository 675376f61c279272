/** Figures (PNG encoding lives in `data`): class palettes, heat maps, grids with titles, colour scales and line charts. */
export {
  classPalette,
  vocColor,
  labelsToRgb,
  heatmapToRgb,
  viridis,
  finiteRange,
  VIRIDIS,
  IGNORE_COLOR,
} from './colors.js';
export { createImage, blit, fillRect, drawText, drawLine, setPixel } from './image.js';
export type { RgbImage, Rgb } from './image.js';
export {
  composeGrid,
  colorBar,
  formatValue,
  segmentationFigure,
  labelGridFigure,
  lossMapFigure,
} from './figure.js';
export type { GridOptions, FigureColumn, FigureOptions } from './figure.js';
export { writeLineChart, renderLineChart, lineChartSvg, SERIES_COLORS } from './chart.js';
export type { Series, ChartOptions } from './chart.js';
export { textWidth, GLYPH_WIDTH, GLYPH_HEIGHT, GLYPH_ADVANCE } from './font.js';

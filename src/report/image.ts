import { fail } from '../core/errors.js';
import { glyph, GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH } from './font.js';

/** An 8-bit RGB raster, row-major: pixel (x, y) is `rgb[3 * (y * width + x) + k]`, k = 0, 1, 2. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** An RGB colour, components 0–255. */
export type Rgb = readonly [number, number, number];

/** A new image filled with `background` (default white). */
export function createImage(width: number, height: number, background: Rgb = [255, 255, 255]): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    fail('createImage', `size ${width}x${height} is not a pair of non-negative integers`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(background, 3 * i);
  return { width, height, rgb };
}

/** Sets pixel (x, y) if it lies inside the image. */
export function setPixel(img: RgbImage, x: number, y: number, color: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  img.rgb.set(color, 3 * (y * img.width + x));
}

/** Fills the rectangle `[x, x + w) × [y, y + h)` (clipped to the image). */
export function fillRect(img: RgbImage, x: number, y: number, w: number, h: number, color: Rgb): void {
  for (let j = Math.max(0, y); j < Math.min(img.height, y + h); j++) {
    for (let i = Math.max(0, x); i < Math.min(img.width, x + w); i++)
      img.rgb.set(color, 3 * (j * img.width + i));
  }
}

/** Copies `src` into `dst` with its top-left corner at (x, y), scaled up by an integer `scale`. */
export function blit(dst: RgbImage, src: RgbImage, x: number, y: number, scale = 1): void {
  for (let j = 0; j < src.height * scale; j++) {
    for (let i = 0; i < src.width * scale; i++) {
      const s = 3 * (Math.floor(j / scale) * src.width + Math.floor(i / scale));
      setPixel(dst, x + i, y + j, [src.rgb[s], src.rgb[s + 1], src.rgb[s + 2]]);
    }
  }
}

/** Draws `text` with the 5x7 font, top-left at (x, y), each font pixel a `scale`×`scale` square. */
export function drawText(img: RgbImage, text: string, x: number, y: number, color: Rgb, scale = 1): void {
  for (let k = 0; k < text.length; k++) {
    const rows = glyph(text[k]);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if ((rows[r] >> (GLYPH_WIDTH - 1 - c)) & 1) {
          fillRect(img, x + (k * GLYPH_ADVANCE + c) * scale, y + r * scale, scale, scale, color);
        }
      }
    }
  }
}

/** Draws a one-pixel line from (x0, y0) to (x1, y1) (Bresenham). */
export function drawLine(img: RgbImage, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  [x0, y0, x1, y1] = [x0, y0, x1, y1].map(Math.round);
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    setPixel(img, x0, y0, color);
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

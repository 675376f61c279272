import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One encoded pixel set of `fixtures/skimage/draw-cases.json` (see `make_fixtures.py`). */
export interface EncodedPixels {
  readonly count: number;
  readonly origin: [number, number];
  readonly width: number;
  readonly runs: number[];
}

/** A rasteriser case: the skimage call's arguments and its pixel set. */
export type DrawCase = EncodedPixels & { readonly name: string } & (
    | {
        readonly kind: 'ellipse';
        /** Exact-boundary cases: numpy's AVX512 sin/cos of the reduced rotation and that pixel set. */
        readonly avx512?: EncodedPixels & { readonly sin: number; readonly cos: number };
        readonly args: {
          r: number;
          c: number;
          rRadius: number;
          cRadius: number;
          rotation: number;
          shape: [number, number] | null;
        };
      }
    | {
        readonly kind: 'disk';
        readonly args: { center: [number, number]; radius: number; shape: [number, number] | null };
      }
    | {
        readonly kind: 'polygon';
        readonly args: { r: number[]; c: number[]; shape: [number, number] | null };
      }
  );

/** The post's seed masks for one `(height, width, rotationDeg)`: ellipse, square, disk. */
export interface SeedMaskCase {
  readonly height: number;
  readonly width: number;
  readonly rotationDeg: number;
  readonly masks: [EncodedPixels, EncodedPixels, EncodedPixels];
}

/** The whole fixture file. */
export interface DrawFixtures {
  readonly skimage: string;
  readonly cases: DrawCase[];
  readonly seedMasks: SeedMaskCase[];
}

/**
 * Reads `fixtures/skimage/draw-cases.json` relative to this source file. A test helper for the draw and
 * synth tests (not part of the public API); it needs no Python.
 */
export function loadDrawFixtures(): DrawFixtures {
  const url = new URL('../../fixtures/skimage/draw-cases.json', import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as DrawFixtures;
}

/** Decodes a pixel set into `"r,c"` keys (strings, since unclipped shapes have negative coordinates). */
export function decodePixels(e: EncodedPixels): Set<string> {
  const out = new Set<string>();
  for (let k = 0; k < e.runs.length; k += 2) {
    for (let idx = e.runs[k]; idx < e.runs[k] + e.runs[k + 1]; idx++) {
      out.add(`${e.origin[0] + Math.floor(idx / e.width)},${e.origin[1] + (idx % e.width)}`);
    }
  }
  return out;
}

/** Small DOM helpers shared by the lab's pages (no maths: pixels come from src/lab/images.ts). */

/** The element with `id`, typed; throws when the page lacks it (a build error, not a user error). */
export function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`lab page: no element #${id}`);
  return e as T;
}

/** A new element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A `width x height` canvas showing RGBA pixels. */
export function rgbaCanvas(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  cls = '',
): HTMLCanvasElement {
  const c = el('canvas', { width: String(width), height: String(height), class: cls });
  paint(c, pixels, width, height);
  return c;
}

/** Draws RGBA pixels onto an existing canvas of that size. */
export function paint(c: HTMLCanvasElement, pixels: Uint8ClampedArray, width: number, height: number): void {
  const ctx = c.getContext('2d');
  if (ctx === null) return;
  const img = new ImageData(width, height);
  img.data.set(pixels);
  ctx.putImageData(img, 0, 0);
}

/** Shows a user-facing error on the page (`#error`), e.g. a bad URL parameter. */
export function showError(e: unknown): void {
  const box = document.getElementById('error');
  const text = e instanceof Error ? e.message : String(e);
  if (box !== null) box.textContent = text;
}

/**
 * Writes the training targets of one mask (class indices, 255 = ignore) into batch buffers: one-hot
 * rows into `y` (`[.., C]`, all zeros where ignored) and 1 into `ignore` at ignored pixels, starting at
 * pixel `offset`. Returns the number of ignored pixels.
 *
 * @example
 * ```ts
 * const y = new Float32Array(2 * 3), ignore = new Float32Array(2);
 * maskToTargets(Uint8Array.of(2, 255), 3, y, ignore, 0); // 1; y = [0,0,1, 0,0,0], ignore = [0, 1]
 * ```
 */
export function maskToTargets(
  mask: Uint8Array,
  numClasses: number,
  y: Float32Array,
  ignore: Float32Array,
  offset: number,
): number {
  let ignored = 0;
  for (let q = 0; q < mask.length; q++) {
    const v = mask[q];
    if (v === 255) {
      ignore[offset + q] = 1;
      ignored++;
    } else y[(offset + q) * numClasses + v] = 1;
  }
  return ignored;
}

// No Node imports here: the browser lab bundles this file through report/colors.ts.

/**
 * Pascal VOC's colour for class `i`: the bits of `i` are spread over the high bits of R, G and B
 * (bit 0 → R bit 7, bit 1 → G bit 7, bit 2 → B bit 7, bit 3 → R bit 6, ...). Class 0 is black,
 * 1 = (128, 0, 0), 2 = (0, 128, 0), 3 = (128, 128, 0), 15 = (192, 128, 128).
 *
 * @see Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge", IJCV 2010 (devkit colormap)
 */
export function vocColor(i: number): [number, number, number] {
  let r = 0;
  let g = 0;
  let b = 0;
  let c = i;
  for (let j = 0; j < 8; j++) {
    r |= ((c >> 0) & 1) << (7 - j);
    g |= ((c >> 1) & 1) << (7 - j);
    b |= ((c >> 2) & 1) << (7 - j);
    c >>= 3;
  }
  return [r, g, b];
}

import { fail } from '../core/errors.js';
import type { DatasetClass } from './classes.js';

/**
 * Merges the class lists of several datasets into one by name: every list's class 0 is the
 * background and maps to 0; the other classes follow in order of first appearance. A class named in
 * two folders with two different colours is an error. `toGlobal[i][v]` is the merged index of folder
 * `i`'s class `v` (`toGlobal[i][255] = 255`).
 *
 * @example
 * ```ts
 * mergeClasses([{ dir: 'a', classes: [{name: 'bg'}, {name: 'liver'}] }, { dir: 'b', classes: [{name: 'bg'}, {name: 'kidney'}] }]);
 * // classes bg, liver, kidney; toGlobal [[0, 1, ...], [0, 2, ...]]
 * ```
 */
export function mergeClasses(parts: readonly { dir: string; classes: readonly DatasetClass[] }[]): {
  classes: DatasetClass[];
  toGlobal: number[][];
} {
  const classes: DatasetClass[] = [];
  const owner: string[] = [];
  const index = new Map<string, number>();
  const toGlobal = parts.map(({ dir, classes: local }) => {
    const map = new Array<number>(256).fill(255);
    local.forEach((c, v) => {
      let g = v === 0 ? (classes.length > 0 ? 0 : undefined) : index.get(c.name);
      if (g === undefined) {
        g = classes.length;
        classes.push(c);
        owner.push(dir);
        if (v !== 0 || g === 0) index.set(c.name, g);
      } else if (c.color && classes[g].color && c.color.join() !== classes[g].color?.join()) {
        fail(
          'readDataset',
          `datasets disagree on the colour of class '${c.name}': ${owner[g]} says [${classes[g].color?.join(',')}], ${dir} says [${c.color.join(',')}]`,
        );
      } else if (c.color && !classes[g].color) classes[g] = { ...classes[g], color: c.color };
      map[v] = g;
    });
    return map;
  });
  if (classes.length > 255)
    fail('readDataset', `the datasets have ${classes.length} classes together; expected at most 255`);
  return { classes, toGlobal };
}

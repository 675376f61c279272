import { fail } from '../core/errors.js';
import type { LoadedItem } from '../data/dataset.js';
import type { ItemSource } from '../data/item-source.js';
import { dropLabels, DROP_MODES, type LabelDropMode } from '../synth/drop-modes.js';

/**
 * What a run does to its training labels before step 1 (`RunConfig.labels`; absent = the labels as
 * they are). The study of issue 9 builds its settings and baselines from these three parts:
 * `drop` removes annotations from a fully annotated split (`dropLabels`); `images: 'complete'` keeps
 * only images whose classes are all still annotated (the drop-incomplete baseline);
 * `ignoreIncompleteBackground` ignores the background pixels of the other images (the
 * ignore-background baseline).
 */
export interface LabelPlan {
  readonly drop: { readonly mode: LabelDropMode; readonly rate: number; readonly seed: number } | null;
  readonly images: 'all' | 'complete';
  readonly ignoreIncompleteBackground: boolean;
}

/** Checks a plan's values. @throws SeglossError naming the field. */
export function checkLabelPlan(where: string, plan: LabelPlan): void {
  if (plan.drop !== null) {
    const { mode, rate, seed } = plan.drop;
    if (!(DROP_MODES as readonly string[]).includes(mode)) {
      fail(where, `labels.drop.mode is '${String(mode)}'; expected one of ${DROP_MODES.join(', ')}`);
    }
    if (!(rate >= 0 && rate <= 1)) fail(where, `labels.drop.rate is ${rate}; expected a number in [0, 1]`);
    if (!Number.isInteger(seed) || seed < 0)
      fail(where, `labels.drop.seed is ${seed}; expected an integer >= 0`);
  }
  if (plan.images !== 'all' && plan.images !== 'complete') {
    fail(where, `labels.images is '${String(plan.images)}'; expected 'all' or 'complete'`);
  }
}

/**
 * The training source after `plan`: every item is read once, its labels dropped as the plan says
 * (all items in index order, so the drop is the same whatever is trained on them), and the kept items
 * held in memory. Fails when no image is left.
 *
 * @example
 * ```ts
 * const train = await applyLabelPlan(source, { drop: { mode: 'class', rate: 0.3, seed: 1 }, images: 'all',
 *   ignoreIncompleteBackground: false });
 * ```
 */
export async function applyLabelPlan(source: ItemSource, plan: LabelPlan): Promise<ItemSource> {
  const where = 'train';
  checkLabelPlan(where, plan);
  const items: LoadedItem[] = [];
  for (let i = 0; i < source.n; i++) items.push(await source.item(i));
  let masks: Uint8Array[] = items.map((it) => it.mask);
  let annotated: Uint8Array[] = items.map((it) => it.annotated);
  let complete: Uint8Array = Uint8Array.from(annotated, (a) => (a.every((v) => v === 1) ? 1 : 0));
  if (plan.drop !== null) {
    const out = dropLabels(
      items.map((it) => ({
        mask: it.mask,
        annotated: it.annotated,
        height: it.height,
        width: it.width,
      })),
      { ...plan.drop, numClasses: source.classNames.length },
    );
    masks = out.masks;
    annotated = out.annotated;
    complete = out.complete;
  }
  const keep = items.map((_, i) => i).filter((i) => plan.images === 'all' || complete[i] === 1);
  if (keep.length === 0) {
    fail(where, 'no training image has complete labels after the label plan; lower the drop rate');
  }
  const relabelled: LoadedItem[] = keep.map((i) => {
    let mask = masks[i];
    if (plan.ignoreIncompleteBackground && complete[i] === 0) {
      mask = Uint8Array.from(mask, (v) => (v === 0 ? 255 : v));
    }
    return { ...items[i], mask, annotated: annotated[i] };
  });
  return {
    ...source,
    n: relabelled.length,
    size: (i) => [relabelled[i].height, relabelled[i].width],
    name: (i) => source.name(keep[i]),
    item: async (i) => relabelled[i],
  };
}

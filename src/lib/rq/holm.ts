/**
 * Holm's step-down adjustment of p-values for a family of tests: the k-th smallest p is
 * multiplied by (m − k + 1) and the results made monotone, so "adjusted p < α" controls the
 * chance of any false "beyond noise" across the whole family at α. Nulls (untestable) are kept
 * as null and do not count towards m.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  pValues.forEach((p, i) => {
    if (p !== null && !(p >= 0 && p <= 1)) throw new Error(`holmAdjust: pValues[${i}] must be in [0, 1] or null, got ${p}`);
  });
  const order = pValues.map((p, i) => ({p, i})).filter((e): e is {p: number; i: number} => e.p !== null).sort((a, b) => a.p - b.p);
  const m = order.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach(({p, i}, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

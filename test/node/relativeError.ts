/**
 * max |a-b| / max(floor, max |b|): a relative error that stays meaningful near zero. Values far
 * below 1 (a step's weight updates) need floor 0, or every error would look small.
 */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

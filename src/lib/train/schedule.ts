/**
 * The learning-rate multiplier at `step` (0-based): linear warm-up to 1 over `warmupSteps`, then
 * a cosine decay to `floor` at `totalSteps` (OpenCLIP's schedule). Past the end it stays at floor.
 */
export function warmupCosine(step: number, warmupSteps: number, totalSteps: number, floor = 0): number {
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) throw new Error(`warmupCosine: totalSteps must be an integer ≥ 1, got ${totalSteps}`);
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0 && warmupSteps <= totalSteps)) {
    throw new Error(`warmupCosine: warmupSteps must be an integer in [0, totalSteps=${totalSteps}], got ${warmupSteps}`);
  }
  if (step < warmupSteps) return (step + 1) / warmupSteps;
  const decaySteps = totalSteps - warmupSteps;
  if (decaySteps === 0) return 1;
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

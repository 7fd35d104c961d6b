import type {Interval} from "./latencyBootstrap.js";

/**
 * Whether a measured figure meets a target it must not exceed, judged on its 95% interval: met
 * when the whole interval is at or below the target, not met when the whole of it is above,
 * undecided when the target lies inside (a point estimate on either side of it decides nothing).
 */
export type TargetVerdict = "met" | "not met" | "undecided";

export function atMostVerdict(interval: Interval, target: number): TargetVerdict {
  if (interval.high <= target) return "met";
  if (interval.low > target) return "not met";
  return "undecided";
}

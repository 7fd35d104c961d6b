import type {Interval} from "./latencyBootstrap.js";
import type {LatencySummary} from "./latencySummary.js";
import {atMostVerdict, type TargetVerdict} from "./targetVerdict.js";

/** RQ2's two targets at batch 1: Vim/ViT at 4,096 patches at most 0.5 (the poster's ≈ 0.504), Vim's exponent at most 1.1 (near linear). */
export const RATIO_TARGET = 0.5;
export const VIM_EXPONENT_TARGET = 1.1;
const TARGET_TOKENS = 4097;

export interface LatencyTargets {
  readonly batch: number;
  readonly ratioAt4096Tokens: number | null;
  readonly ratioInterval: Interval | null;
  readonly ratioTarget: number;
  readonly ratioVerdict: TargetVerdict | null;
  readonly vimExponent: number | null;
  readonly vimExponentInterval: Interval | null;
  readonly vimExponentTarget: number;
  readonly vimExponentVerdict: TargetVerdict | null;
}

/**
 * The targets judged on their intervals, not their point estimates: a committed exponent of 1.10
 * against a target of 1.1 says nothing alone, when another run on the same machine gave 1.75.
 * Without an interval (a single pass a size) the verdict is undecided; null where the figure was
 * not measured at all.
 */
export function latencyTargets(batch1: LatencySummary): LatencyTargets {
  if (batch1.batch !== 1) throw new Error(`latencyTargets: the summary must be of batch 1, got batch ${batch1.batch}`);
  const at = batch1.largest && batch1.largest.tokens >= TARGET_TOKENS ? batch1.largest : null;
  const exponent = batch1.upperFits.vim?.exponent ?? null;
  const interval = batch1.exponentIntervals.vim;
  const verdict = (value: number | null, iv: Interval | null, target: number): TargetVerdict | null => (value === null ? null : iv === null ? "undecided" : atMostVerdict(iv, target));
  return {
    batch: 1,
    ratioAt4096Tokens: at?.ratio ?? null,
    ratioInterval: at?.interval ?? null,
    ratioTarget: RATIO_TARGET,
    ratioVerdict: verdict(at?.ratio ?? null, at?.interval ?? null, RATIO_TARGET),
    vimExponent: exponent,
    vimExponentInterval: interval,
    vimExponentTarget: VIM_EXPONENT_TARGET,
    vimExponentVerdict: verdict(exponent, interval, VIM_EXPONENT_TARGET)
  };
}

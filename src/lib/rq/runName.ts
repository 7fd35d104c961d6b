/** A loss weighting: w_c on the contrastive term, w_d on the distillation term. */
export interface Weighting {
  readonly contrastiveWeight: number;
  readonly distillWeight: number;
}

/** What a results file's path says about its run; null fields where it says nothing. */
export interface NamedRun {
  readonly weighting: Weighting | null;
  readonly seed: number | null;
  /** Which naming the path follows: the lab's sweep folders or the poster's model names. */
  readonly pattern: "lab" | "poster" | null;
}

// The lab's sweep names runs `<student>-wc0.25-wd0.75-seed2` (sweepPlan.ts).
const LAB = /(?:^|[^a-z0-9])wc(\d+(?:\.\d+)?)-wd(\d+(?:\.\d+)?)(?:-seed(\d+))?(?!\d|\.\d)/gi;
// The poster names models `dmclip_<size>_<data>_<w_c>_<w_d>`, the weights' digits without the point.
const POSTER = /dmclip_[^_/\\]+_[^_/\\]+_(\d+)_(\d+)(?:[_-]seed(\d+))?(?!\d|\.\d)/gi;

/** "025" → 0.25, "0" → 0, "1" → 1: a leading 0 followed by digits is "0." and those digits. */
function posterDigits(digits: string): number {
  return digits.length > 1 && digits.startsWith("0") ? Number(`0.${digits.slice(1)}`) : Number(digits);
}

const isWeight = (w: number) => Number.isFinite(w) && w >= 0 && w <= 1;

/**
 * The weighting and seed a results file's path names. DataComp writes every run's file as
 * `eval_results.jsonl`, so the run's folder usually carries the name: the whole path is read,
 * and the match nearest the file wins. A weight outside [0, 1] is no match.
 */
export function readRunName(path: string): NamedRun {
  const found: {index: number; pattern: "lab" | "poster"; weighting: Weighting; seed: number | null}[] = [];
  for (const [pattern, regex, weight] of [["lab", LAB, Number], ["poster", POSTER, posterDigits]] as const) {
    for (const m of path.matchAll(regex)) {
      const weighting = {contrastiveWeight: weight(m[1]), distillWeight: weight(m[2])};
      if (isWeight(weighting.contrastiveWeight) && isWeight(weighting.distillWeight)) {
        found.push({index: m.index!, pattern, weighting, seed: m[3] === undefined ? null : Number(m[3])});
      }
    }
  }
  const last = found.sort((a, b) => a.index - b.index).at(-1);
  return last ? {weighting: last.weighting, seed: last.seed, pattern: last.pattern} : {weighting: null, seed: null, pattern: null};
}

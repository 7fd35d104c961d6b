import {describe, expect, it} from "vitest";
import {rowOutcome, rq1Verdict} from "../../../src/lib/rq/rq1Verdict.js";
import {SWEEP_METRICS, sweepRows, type SweepRow} from "../../../src/lib/rq/sweepTable.js";
import {runResult, sweep} from "./fixtures.js";

const GRID = [0, 0.25, 0.5, 0.75, 1];
const SEEDS = [1, 2, 3];
const seedShift = (seed: number) => [0, 0.01, -0.01][seed - 1];
const rows = (score: (lambda: number, seed: number) => number): SweepRow[] => sweepRows(sweep(GRID, SEEDS, score)).rows;
const average = SWEEP_METRICS.slice(0, 1);

describe("rq1Verdict", () => {
  it("says the poster's direction replicates when distillation wins on every seed beyond the spread", () => {
    // A hump peaking at 0.75, +4 points over contrastive-only, seeds ±1 point.
    const v = rq1Verdict(rows((l, s) => 0.4 + 0.04 * Math.sin((Math.PI / 1.5) * l) + seedShift(s)));
    expect(v.runs).toBe(15);
    expect(v.lambdas).toEqual(GRID);
    expect(v.seeds).toEqual(SEEDS);
    const avg = v.metrics[0];
    expect(avg.metric.key).toBe("average");
    expect(avg.outcome).toBe("replicates");
    expect(avg.optimum.lambda).toBe(0.75);
    expect(avg.posterVsBaseline!.mean).toBeCloseTo(0.04, 10);
    expect(avg.posterVsBaseline!.wins).toBe(3);
    expect(avg.effectExceedsSpread).toBe(true);
    expect(v.headline).toBe("RQ1 replicates on Average: distillation (w_d = 0.75) beats contrastive-only beyond seed noise.");
    expect(v.sentences.join(" ")).toMatch(/beats contrastive-only by \+4\.0 points \(\+10\.0% relative; 95% interval \+4\.0 points to \+4\.0 points over 3 paired seeds, better on 3 of 3\)/);
    expect(v.sentences.join(" ")).toMatch(/The highest mean is at w_d = 0\.75 .*not adjusted for picking the highest of 5, the poster's choice/);
    // sin(2πλ/3) peaks at λ = 0.75; the quadratic through the five weights peaks close by. The
    // seeds differ by a constant only, so every resampling has the same peak: a one-point interval.
    expect(avg.trend!.optimum).toBeGreaterThan(0.6);
    expect(avg.trend!.optimum).toBeLessThan(0.9);
    expect(v.sentences.join(" ")).toMatch(/The trend over all 5 weights \(a quadratic in w_d, one level per seed\) peaks at w_d = 0\.\d\d, \+\d\.\d points over contrastive-only \(at least 95% of 2000 resamplings of the 3 seeds peak at w_d = 0\.\d\d too\)/);
    // Seeds that disagree on the slope move the peak between resamplings: an interval with two ends.
    const tilted = rq1Verdict(rows((l, s) => 0.4 + 0.04 * Math.sin((Math.PI / 1.5) * l) + 0.03 * (s - 2) * l), {metrics: average});
    const [, low, high] = tilted.sentences.join(" ").match(/\(95% interval of the peak over 2000 resamplings of the 3 seeds: w_d (\d\.\d\d) to (\d\.\d\d)\)/)!;
    expect(Number(low)).toBeLessThan(Number(high));
    expect(Number(low)).toBeLessThanOrEqual(tilted.metrics[0].trend!.optimum);
    expect(Number(high)).toBeGreaterThanOrEqual(tilted.metrics[0].trend!.optimum);
    // Scores in the sentences read as in the tables (0 to 1); differences and spreads in points.
    expect(v.sentences.join(" ")).toMatch(/The highest mean is at w_d = 0\.75 \(mean 0\.440, \+4\.0 points over contrastive-only/);
    expect(v.sentences.join(" ")).toMatch(/larger than the typical spread between seeds \(sd \d\.\d points\)/);
    expect(v.sentences.join(" ")).not.toMatch(/end of the range/);
  });

  it("states a suite beyond seed noise only after Holm's correction, and a group mean by its own test", () => {
    const v = rq1Verdict(rows((l, s) => 0.4 + 0.04 * Math.sin((Math.PI / 1.5) * l) + seedShift(s)));
    const suite = v.metrics.find((f) => f.metric.kind === "suite")!;
    const group = v.metrics.find((f) => f.metric.kind === "group")!;
    expect(suite.outcome).toBe("replicates");
    expect(rowOutcome({...suite, holmP: 0.01})).toBe("replicates");
    expect(rowOutcome({...suite, holmP: 0.2})).toBe("weak");
    expect(rowOutcome({...suite, outcome: "reversed", holmP: 0.2})).toBe("weak-reversed");
    expect(rowOutcome({...suite, outcome: "weak", holmP: 0.01})).toBe("weak");
    expect(group.holmP).toBeNull();
    expect(rowOutcome(group)).toBe(group.outcome);
  });

  it("says a trend peak at the last weight may be a plateau, not a better end", () => {
    // Scores that climb to w_d = 0.75 and stay level: the quadratic's vertex falls past the range (at 1.2).
    const v = rq1Verdict(rows((l, s) => 0.4 + 0.08 * Math.min(l, 0.75) + seedShift(s)), {metrics: average});
    expect(v.metrics[0].trend!.optimum).toBe(1);
    expect(v.sentences).toContain(
      "A peak at the end of the range says only that the fitted curve still rises at w_d = 1: the scores may climb to the end or level off before it, which each weight's mean shows."
    );
  });

  it("says contrastive-only wins when it does, on every score", () => {
    const v = rq1Verdict(rows((l, s) => 0.45 - 0.06 * l + seedShift(s)));
    const avg = v.metrics[0];
    expect(avg.outcome).toBe("reversed");
    expect(avg.optimum.lambda).toBe(0);
    expect(avg.posterVsBaseline!.mean).toBeCloseTo(-0.045, 10);
    expect(avg.posterVsBaseline!.wins).toBe(0);
    expect(v.headline).toBe("RQ1 does not replicate on Average: contrastive-only beats distillation (w_d = 0.75) beyond seed noise.");
    expect(v.sentences).toContain("The poster's direction does not replicate: contrastive-only is better here, beyond seed noise.");
    expect(v.sentences).toContain("The highest mean is at w_d = 0: contrastive-only (mean 0.450).");
    expect(avg.trend!.optimum).toBe(0);
    // Every resampling peaks at the end of the range too: the one-point interval is said in words.
    expect(v.sentences).toContain("The trend over all 5 weights (a quadratic in w_d, one level per seed) peaks at w_d = 0, contrastive-only (at least 95% of 2000 resamplings of the 3 seeds peak at w_d = 0.00 too).");
    // Each suite once: the group means (Average, Retrieval = the Scenes suite, …) are not counted again.
    const suites = SWEEP_METRICS.filter((m) => m.kind === "suite").length;
    expect(v.sentences.at(-1)).toBe(`Secondary, each of the ${suites} suites counted once (group means only re-count them): distillation is ahead on 0 (beyond seed noise on 0 after Holm's correction for ${suites} tests) and behind on ${suites} (beyond seed noise on ${suites}).`);
    expect(v.metrics.filter((f) => f.metric.kind === "group").every((f) => f.holmP === null)).toBe(true);
  });

  it("calls a gain smaller than the seed spread what it is: within noise", () => {
    // Seeds disagree on the sign: +3, −2, +0.5 points, with ±5 points between seeds.
    const noise: Record<number, number> = {1: 0.03, 2: -0.02, 3: 0.005};
    const v = rq1Verdict(rows((l, s) => 0.4 + [0, 0.05, -0.05][s - 1] + (l === 0.75 ? noise[s] : 0)), {metrics: average});
    const avg = v.metrics[0];
    expect(avg.outcome).toBe("weak");
    expect(avg.effectExceedsSpread).toBe(false);
    expect(avg.posterVsBaseline!.low).toBeLessThan(0);
    expect(v.headline).toBe("On Average, distillation (w_d = 0.75) is ahead of contrastive-only, but within seed noise.");
    expect(v.sentences.join(" ")).toMatch(/not distinguishable from seed noise/);
    expect(v.sentences.join(" ")).toMatch(/no larger than the typical spread between seeds/);
  });

  it("says how many seeds the pre-registered ±1 point needs, from the spread of the paired differences", () => {
    // Differences +3, −2, +0.5 points: sd 2.5 points; t·sd/√n ≤ 1 point first at n = 27.
    const noise: Record<number, number> = {1: 0.03, 2: -0.02, 3: 0.005};
    const v = rq1Verdict(rows((l, s) => 0.4 + (l === 0.75 ? noise[s] : 0)), {metrics: average});
    expect(v.power!.pairs).toBe(3);
    expect(v.power!.halfWidth).toBeCloseTo((4.303 * 0.025) / Math.sqrt(3), 4);
    expect(v.power!.seedsNeeded).toBe(27);
    expect(v.sentences.join(" ")).toMatch(/Power: the primary interval is ±6\.2 points over 3 paired seeds; ±1 point needs about 27 seeds\./);
  });

  it("judges the no-DR arm against its DR twins at the poster's weighting, apart from the main analysis", () => {
    const withDr = sweep(GRID, SEEDS, (l, s) => 0.4 + 0.02 * l + seedShift(s)).map((r) => ({...r, settings: {...r.settings, dr: true}}));
    const arm = SEEDS.map((seed) => runResult(`nodr-s${seed}`, {contrastiveWeight: 0.25, distillWeight: 0.75, seed, dr: false}, () => 0.4 + 0.015 - 0.01 + seedShift(seed)));
    const v = rq1Verdict(sweepRows([...withDr, ...arm]).rows, {metrics: average});
    expect(v.runs).toBe(15);
    expect(v.drArm!.withDr).toBe(false);
    expect(v.drArm!.difference.mean).toBeCloseTo(-0.01, 10);
    expect(v.drArm!.difference.pairs).toBe(3);
    // The arm's own scores, apart from the λ summaries (which hold only the DR runs).
    expect(v.drArm!.scores.map((a) => [a.metric.key, a.n, a.values.map((x) => x.seed)])).toEqual([["average", 3, [1, 2, 3]]]);
    expect(v.drArm!.scores[0].mean).toBeCloseTo(0.405, 10);
    expect(v.metrics[0].byLambda.find((b) => b.lambda === 0.75)!.mean).toBeCloseTo(0.415, 10);
    expect(v.metrics[0].posterVsBaseline!.mean).toBeCloseTo(0.015, 10);
    expect(v.sentences.join(" ")).toMatch(/Secondary: Average at w_d = 0\.75 without the DR loss is −1\.0 points against the sweep's recipe/);
  });

  it("cannot judge without contrastive-only runs, and says which are missing", () => {
    const v = rq1Verdict(sweepRows(sweep([0.25, 0.75], SEEDS, () => 0.4)).rows, {metrics: average});
    expect(v.metrics[0].outcome).toBe("untestable");
    expect(v.headline).toBe("RQ1 cannot be judged yet: Average: no runs at w_d = 0 (contrastive-only), so the poster's comparison cannot be made.");
  });

  it("has no interval with one seed, and says so", () => {
    const v = rq1Verdict(sweepRows(sweep([0, 0.75], [7], (l) => 0.3 + 0.1 * l)).rows, {metrics: average});
    expect(v.metrics[0].posterVsBaseline).toMatchObject({pairs: 1, low: null, high: null});
    expect(v.metrics[0].outcome).toBe("weak");
    expect(v.sentences[0]).toMatch(/one paired seed, so no interval/);
  });

  it("leaves out runs off the grid w_c = 1 − w_d and says so", () => {
    const off = sweepRows([runResult("odd", {contrastiveWeight: 1, distillWeight: 1, seed: 1}, () => 0.9)]).rows;
    const v = rq1Verdict([...rows(() => 0.4), ...off], {metrics: average});
    expect(v.runs).toBe(15);
    expect(v.excluded).toEqual(["odd: w_c = 1, w_d = 1 is off the grid w_c = 1 − w_d"]);
    expect(v.metrics[0].outcome).toBe("tie");
  });

  it("leaves out runs trained with another budget, naming the difference", () => {
    const longer = sweepRows([runResult("long", {contrastiveWeight: 0.25, distillWeight: 0.75, seed: 1, steps: 9999}, () => 0.9)]).rows;
    const v = rq1Verdict([...rows(() => 0.4), ...longer], {metrics: average});
    expect(v.runs).toBe(15);
    expect(v.excluded).toHaveLength(1);
    expect(v.excluded[0]).toMatch(/^long: trained with .*steps=9999.*, where the sweep's other runs used .*steps=(?!9999)/);
    expect(v.metrics[0].outcome).toBe("tie");
  });

  it("has nothing to say about no runs", () => {
    const v = rq1Verdict([]);
    expect(v.metrics).toEqual([]);
    expect(v.headline).toBe("No runs to judge yet.");
  });
});

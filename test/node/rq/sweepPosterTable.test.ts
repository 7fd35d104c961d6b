import {describe, expect, it} from "vitest";
import {comparisonToCsv, comparisonToMarkdown} from "../../../src/lib/results/comparisonText.js";
import {addLoadedFiles, EMPTY_SWEEP, loadedSweepRows} from "../../../src/lib/rq/loadedSweep.js";
import {POSTER_METRICS, POSTER_VERDICT_METRICS} from "../../../src/lib/rq/posterColumns.js";
import {bestPerMetric, checkGainClaim, missingForGainClaim} from "../../../src/lib/rq/posterRq1.js";
import {rq1Verdict} from "../../../src/lib/rq/rq1Verdict.js";
import {posterTableComparison, sweepPosterTable} from "../../../src/lib/rq/sweepPosterTable.js";
import {directColumns, sweepFiles} from "./sweepFiles.js";

const lab = sweepFiles("test/fixtures/rq1/lab");
const poster = sweepFiles("test/fixtures/rq1/poster");
const analyse = (files: typeof lab) => {
  const {rows, coverage} = loadedSweepRows(addLoadedFiles(EMPTY_SWEEP, files).sweep);
  return {rows, table: sweepPosterTable(rows, POSTER_METRICS, coverage)};
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Straight from the files: the path of weighting (w_c, w_d) and seed s. */
const path = (wc: number, wd: number, s: number) => `test/fixtures/rq1/lab/dmclip-wc${wc}-wd${wd}-seed${s}/eval_results.jsonl`;

describe("a loaded sweep through the committed sweep's analysis", () => {
  it("tabulates each weighting's mean over seeds, in percent, as the poster's table", () => {
    const {table} = analyse(lab);
    expect(table.omitted).toEqual([]);
    expect(table.table!.rows.map((r) => r.model)).toEqual(["(1, 0)", "(0.75, 0.25)", "(0.25, 0.75)", "(0, 1)"]);
    for (const row of table.table!.rows) {
      expect(table.seeds[row.model]).toEqual([1, 2, 3]);
      for (const m of POSTER_METRICS) {
        const direct = mean([1, 2, 3].map((s) => directColumns(path(row.contrastiveWeight, row.distillWeight, s))[m.key]));
        expect(row.values[m.key], `${row.model} ${m.key}`).toBeCloseTo(100 * direct, 10);
      }
    }
    expect(table.coverage["(0.75, 0.25)"].in_shift).toEqual({count: 5, expected: 6});
    expect(table.coverage["(1, 0)"].in_shift).toEqual({count: 6, expected: 6});
    // The fixtures' offsets put w_d = 0.25 on top of every column.
    const best = bestPerMetric(table.table!);
    expect(Object.values(best).map((b) => b.models.join())).toEqual(POSTER_METRICS.map(() => "(0.75, 0.25)"));
  });

  it("checks the gain over contrastive-only and the ≈10% with the poster's own check", () => {
    const {table} = analyse(lab);
    expect(missingForGainClaim(table.table!)).toEqual([]);
    const check = checkGainClaim(table.table!);
    const inVal = (wc: number, wd: number) => mean([1, 2, 3].map((s) => directColumns(path(wc, wd, s)).in_val));
    const gain = check.gains.find((g) => g.metric.key === "in_val")!;
    expect(gain.absolute).toBeCloseTo(100 * (inVal(0.25, 0.75) - inVal(1, 0)), 10);
    expect(gain.relative).toBeCloseTo((inVal(0.25, 0.75) - inVal(1, 0)) / inVal(1, 0), 10);
    expect(check.sentences[0]).toMatch(/^Against contrastive-only, \(0\.25, 0\.75\) \(w_c = 0\.25, w_d = 0\.75\) is better on /);
  });

  it("says what the gain needs when contrastive-only or the compared weighting is missing", () => {
    const {table} = analyse(lab.filter((f) => !f.source.includes("wc1-wd0")));
    expect(missingForGainClaim(table.table!)).toEqual(["contrastive-only"]);
    expect(missingForGainClaim(table.table!, {contrastiveWeight: 0.5, distillWeight: 0.5})).toEqual(["contrastive-only", "compared-weighting"]);
    expect(posterTableComparison(table).baseline).toBeNull();
  });

  it("judges it with rq1Verdict: paired differences by seed with their intervals", () => {
    const {rows} = analyse(lab);
    const verdict = rq1Verdict(rows, {metrics: POSTER_VERDICT_METRICS});
    expect(verdict.metrics.map((f) => f.metric.key)).toEqual(["avg_perf", "in_val", "in_shift", "flickr30k_t2i", "flickr30k_i2t", "coco_t2i", "coco_i2t"]);
    expect(verdict.excluded).toEqual([]);
    expect(verdict.lambdas).toEqual([0, 0.25, 0.75, 1]);
    expect(verdict.seeds).toEqual([1, 2, 3]);
    const avg = verdict.metrics.find((f) => f.metric.key === "avg_perf")!;
    const diffs = [1, 2, 3].map((s) => directColumns(path(0.25, 0.75, s)).avg_perf - directColumns(path(1, 0, s)).avg_perf);
    const m = mean(diffs);
    const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - m) ** 2, 0) / 2);
    expect(avg.posterVsBaseline!.pairs).toBe(3);
    expect(avg.posterVsBaseline!.mean).toBeCloseTo(m, 12);
    // Student's t with 2 degrees of freedom: 4.303.
    expect(avg.posterVsBaseline!.low).toBeCloseTo(m - (4.303 * sd) / Math.sqrt(3), 12);
    expect(avg.optimum.lambda).toBe(0.25);
    // Every seed gains the same at w_d = 0.75 (less what the cap at 1 takes): beyond seed noise.
    expect(avg.outcome).toBe(diffs.every((d) => d > 0) && avg.posterVsBaseline!.low! > 0 ? "replicates" : "weak");
    expect(verdict.headline).toBe("RQ1 replicates on Avg Perf.: distillation (w_d = 0.75) beats contrastive-only beyond seed noise.");
  });

  it("takes one seed per weighting, as the poster has, with no interval", () => {
    const {rows, table} = analyse(poster);
    expect(Object.values(table.seeds)).toEqual([[1], [1], [1], [1]]);
    const f = rq1Verdict(rows, {metrics: POSTER_METRICS}).metrics[0];
    expect(f.posterVsBaseline).toMatchObject({pairs: 1, low: null, high: null});
    expect(f.sentences[0]).toContain("one paired seed, so no interval");
  });

  it("leaves out a column a weighting has no value for, and says which", () => {
    const {rows} = analyse(lab);
    const without = rows.map((r) => (r.distillWeight === 1 ? {...r, scores: Object.fromEntries(Object.entries(r.scores).filter(([k]) => k !== "coco_t2i"))} : r));
    const t = sweepPosterTable(without, POSTER_METRICS);
    expect(t.omitted.map((o) => [o.metric.key, o.weightings])).toEqual([["coco_t2i", ["(0, 1)"]]]);
    expect(t.table!.metrics.map((m) => m.key)).not.toContain("coco_t2i");
    expect(sweepPosterTable([], POSTER_METRICS).table).toBeNull();
  });

  it("exports through the Results page's CSV and Markdown, differences from contrastive-only", () => {
    const {table} = analyse(lab);
    const c = posterTableComparison(table);
    expect(c.runs.map((r) => r.name)).toEqual(["(1, 0), 3 seeds", "(0.75, 0.25), 3 seeds", "(0.25, 0.75), 3 seeds", "(0, 1), 3 seeds"]);
    expect(c.baseline).toBe("(1, 0)");
    const csv = comparisonToCsv(c).trim().split("\n");
    expect(csv).toHaveLength(1 + POSTER_METRICS.length);
    const inVal = csv.find((l) => l.startsWith("group,in_val,"))!.split(",");
    expect(Number(inVal[3])).toBeCloseTo(table.table!.rows[0].values.in_val, 9);
    const md = comparisonToMarkdown(c);
    expect(md).toContain("difference from (1, 0), 3 seeds");
    // The shift mean at (0.75, 0.25) covers 5 of 6 tasks in one seed: the note says so.
    expect(md.split("\n").find((l) => l.startsWith("| IN-shift"))).toContain("[5/6]");
  });
});

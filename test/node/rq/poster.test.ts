import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {bestPerMetric, checkGainClaim, gainsOverContrastive, parsePosterRq1} from "../../../src/lib/rq/posterRq1.js";
import {parsePosterRq2, posterClaim, posterLatencyRatio} from "../../../src/lib/rq/posterRq2.js";

const rq1 = parsePosterRq1(readFileSync("data/paper/dmclip_rq1.csv", "utf8"), "dmclip_rq1.csv");
const rq2 = parsePosterRq2(readFileSync("data/paper/dmclip_rq2.csv", "utf8"), "dmclip_rq2.csv");

describe("the poster's RQ1 table", () => {
  it("reads four weightings and seven metrics, ordered by distillation weight", () => {
    expect(rq1.rows.map((r) => r.distillWeight)).toEqual([0, 0.25, 0.75, 1]);
    expect(rq1.metrics.map((m) => m.label)).toEqual(["IN-val", "IN-shift", "Flickr30k T→I", "Flickr30k I→T", "COCO T→I", "COCO I→T", "Avg Perf."]);
    expect(rq1.rows[2].values.in_val).toBe(20.14);
  });

  it("marks the same best cells as the poster's bold ones", () => {
    const best = bestPerMetric(rq1);
    const holder = (k: string) => best[k].models.join(",");
    expect(holder("in_val")).toBe("dmclip_s1_6m_025_075");
    expect(holder("in_shift")).toBe("dmclip_s1_6m_025_075");
    expect(holder("flickr30k_t2i")).toBe("dmclip_s1_6m_075_025");
    expect(holder("flickr30k_i2t")).toBe("dmclip_s1_6m_075_025");
    expect(holder("coco_t2i")).toBe("dmclip_s1_6m_025_075");
    expect(holder("coco_i2t")).toBe("dmclip_s1_6m_075_025");
    expect(holder("avg_perf")).toBe("dmclip_s1_6m_025_075");
  });

  it("computes the gain over contrastive-only per column", () => {
    const gains = gainsOverContrastive(rq1, rq1.rows[2]);
    const byKey = Object.fromEntries(gains.map((g) => [g.metric.key, g]));
    expect(byKey.in_val.absolute).toBeCloseTo(1.82, 10);
    expect(byKey.in_val.relative).toBeCloseTo(1.82 / 18.32, 10);
    expect(byKey.flickr30k_i2t.relative).toBeCloseTo(-1.9 / 27.9, 10);
    expect(byKey.avg_perf.relative).toBeCloseTo(1.52 / 50.81, 10);
  });

  it("checks the poster's ≈10%: near on four columns, a loss on Flickr30k I→T, 3% on the average", () => {
    const check = checkGainClaim(rq1);
    expect(check.near.map((g) => g.metric.key)).toEqual(["in_val", "flickr30k_t2i", "coco_t2i", "coco_i2t"]);
    expect(check.sentences[0]).toMatch(/better on 6 of 7 columns and worse on 1 \(Flickr30k I→T −6\.8%\)/);
    expect(check.sentences[1]).toMatch(/from −6\.8% \(Flickr30k I→T\) to \+9\.9% \(IN-val\)/);
    expect(check.sentences[2]).toMatch(/holds for IN-val, Flickr30k T→I, COCO T→I, COCO I→T .*3 gain less or lose/);
  });

  it("says so when no column is near the claim", () => {
    const check = checkGainClaim(rq1, {claim: 0.5});
    expect(check.near).toEqual([]);
    expect(check.sentences[2]).toMatch(/No column gains 50% ± 2 points/);
  });

  it("names the file, row and column of a bad cell, and a missing column", () => {
    expect(() => parsePosterRq1("model,contrastive_weight,distill_weight,a\nm,1,0,x\n", "t.csv")).toThrow(/t\.csv: row 2, column a: expected a number, got "x"/);
    expect(() => parsePosterRq1("model,distill_weight,a\nm,0,1\n", "t.csv")).toThrow(/t\.csv: missing column\(s\) contrastive_weight/);
    expect(() => checkGainClaim(rq1, {contrastiveWeight: 0.5, distillWeight: 0.5})).toThrow(/no row with contrastive_weight 0\.5/);
  });
});

describe("the poster's RQ2 claims", () => {
  it("reads the four claims and turns a 49.58% reduction into a 0.504 ratio", () => {
    expect(rq2.map((c) => c.claim)).toEqual(["image_encoder_latency_reduction", "performance_drop", "svhn_accuracy_gain", "eurosat_acc5_gain"]);
    expect(posterLatencyRatio(rq2)).toBeCloseTo(0.5042, 10);
    expect(posterClaim(rq2, "svhn_accuracy_gain").value).toBe(6.6);
  });

  it("names what is wrong", () => {
    expect(() => posterClaim(rq2, "nope")).toThrow(/no "nope" \(have image_encoder_latency_reduction/);
    expect(() => parsePosterRq2("claim,value,unit,compared_to,note\nx,abc,percent,,\n", "c.csv")).toThrow(/c\.csv: row 2, column value: expected a number, got "abc"/);
  });
});

import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseEvalResults} from "../../../src/lib/results/evalResults.js";
import {POSTER_METRICS, posterColumnScores, suiteOf} from "../../../src/lib/rq/posterColumns.js";
import {parsePosterRq1} from "../../../src/lib/rq/posterRq1.js";
import {directColumns} from "./sweepFiles.js";

const read = (path: string) => parseEvalResults(readFileSync(path, "utf8"), path).records;

describe("the poster's columns from a results file", () => {
  it("are the poster CSV's columns, in its order and with its headings", () => {
    const poster = parsePosterRq1(readFileSync("data/paper/dmclip_rq1.csv", "utf8"), "dmclip_rq1.csv");
    expect(POSTER_METRICS.map(({key, label}) => ({key, label}))).toEqual(poster.metrics);
  });

  it("reads a 38-task DataComp file: IN-val acc1, the six shifts' mean, retrieval R@1 both ways, the average", () => {
    for (const path of ["test/fixtures/results/datacomp-a.jsonl", "test/fixtures/rq1/lab/dmclip-wc0.75-wd0.25-seed2/eval_results.jsonl"]) {
      const c = posterColumnScores(read(path), path);
      expect(c.suite).toBe("datacomp");
      const direct = directColumns(path);
      for (const [key, value] of Object.entries(direct)) expect(c.scores[key], `${path} ${key}`).toBeCloseTo(value, 12);
    }
    // datacomp-a by hand (test/fixtures/results/README.md): shifts 2.8/6, 38 scored tasks summing to 19.15.
    const a = posterColumnScores(read("test/fixtures/results/datacomp-a.jsonl"), "a");
    expect(a.scores.in_val).toBe(0.6);
    expect(a.scores.in_shift).toBeCloseTo(2.8 / 6, 12);
    expect(a.scores.avg_perf).toBeCloseTo(19.15 / 38, 12);
    expect(a.coverage.avg_perf).toEqual({count: 38, expected: 38});
  });

  it("counts NaN tasks as missing and says n/N", () => {
    // datacomp-b: ImageNet-A all NaN, so 5 of 6 shifts and 37 of 38 tasks.
    const b = posterColumnScores(read("test/fixtures/results/datacomp-b.jsonl"), "b");
    expect(b.scores.in_shift).toBeCloseTo(2.85 / 5, 12);
    expect(b.coverage.in_shift).toEqual({count: 5, expected: 6});
    expect(b.scores.avg_perf).toBeCloseTo(20.71 / 37, 12);
    expect(b.coverage.avg_perf).toEqual({count: 37, expected: 38});
    expect(b.coverage.in_val).toEqual({count: 1, expected: 1});
  });

  it("maps the lab's suites onto the same columns", () => {
    const path = "test/fixtures/results/lab-teacher-b.jsonl";
    const records = read(path);
    const c = posterColumnScores(records, path);
    expect(c.suite).toBe("lab");
    const at = (key: string, metric: string) => records.find((r) => r.key === key)!.metrics[metric] as number;
    expect(c.scores.in_val).toBe(at("classification/objects", "acc1"));
    expect(c.scores.flickr30k_t2i).toBe(at("retrieval/scenes", "image_retrieval_recall@1"));
    expect(c.scores.coco_i2t).toBe(at("retrieval/scenes", "text_retrieval_recall@1"));
    const shifts = records.filter((r) => r.key.startsWith("shift/")).map((r) => r.metrics.main_metric as number);
    expect(c.scores.in_shift).toBeCloseTo(shifts.reduce((s, v) => s + v, 0) / shifts.length, 12);
    expect(c.coverage.avg_perf).toEqual({count: 12, expected: 12});
  });

  it("refuses a file without ImageNet, or whose ImageNet line is NaN, naming the file", () => {
    const none = "test/fixtures/rq1/bad/no-imagenet-wc1-wd0-seed1.jsonl";
    expect(suiteOf(read(none))).toBeNull();
    expect(() => posterColumnScores(read(none), none)).toThrow(`${none}: no ImageNet result (task key "imagenet1k"`);
    const nan = "test/fixtures/rq1/bad/imagenet-nan-wc1-wd0-seed1.jsonl";
    expect(() => posterColumnScores(read(nan), nan)).toThrow(`${nan}: the "imagenet1k" line has no acc1 value`);
  });
});

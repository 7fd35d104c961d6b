import {describe, expect, it} from "vitest";
import {readRunName} from "../../../src/lib/rq/runName.js";

describe("readRunName", () => {
  it("reads the lab's sweep names, in the folder or the file", () => {
    expect(readRunName("runs/vim-wc0.25-wd0.75-seed2/eval_results.jsonl")).toEqual({weighting: {contrastiveWeight: 0.25, distillWeight: 0.75}, seed: 2, pattern: "lab"});
    expect(readRunName("wc1-wd0-seed13.jsonl")).toEqual({weighting: {contrastiveWeight: 1, distillWeight: 0}, seed: 13, pattern: "lab"});
    expect(readRunName("x/dmclip-wc0.875-wd0.125/eval_results.jsonl")).toEqual({weighting: {contrastiveWeight: 0.875, distillWeight: 0.125}, seed: null, pattern: "lab"});
  });

  it("reads the poster's model names, whose weights drop the point", () => {
    expect(readRunName("dmclip_s1_6m_025_075.jsonl")).toEqual({weighting: {contrastiveWeight: 0.25, distillWeight: 0.75}, seed: null, pattern: "poster"});
    expect(readRunName("evals/dmclip_s1_6m_1_0/eval_results.jsonl").weighting).toEqual({contrastiveWeight: 1, distillWeight: 0});
    expect(readRunName("dmclip_s1_6m_0_1").weighting).toEqual({contrastiveWeight: 0, distillWeight: 1});
    expect(readRunName("dmclip_b_12m_0125_0875_seed3.jsonl")).toEqual({weighting: {contrastiveWeight: 0.125, distillWeight: 0.875}, seed: 3, pattern: "poster"});
  });

  it("takes the match nearest the file when the path has two", () => {
    expect(readRunName("sweep-wc1-wd0-seed1/dmclip_s1_6m_025_075.jsonl").weighting).toEqual({contrastiveWeight: 0.25, distillWeight: 0.75});
    expect(readRunName("dmclip_s1_6m_025_075/wc1-wd0-seed4.jsonl")).toMatchObject({seed: 4, pattern: "lab"});
  });

  it("says nothing for names that follow neither pattern or give weights outside [0, 1]", () => {
    const none = {weighting: null, seed: null, pattern: null};
    expect(readRunName("eval_results.jsonl")).toEqual(none);
    expect(readRunName("dmclip_s1_6m_10_2.jsonl")).toEqual(none);
    expect(readRunName("wc1.5-wd0-seed1.jsonl")).toEqual(none);
    expect(readRunName("swc0.5-wd0.5.jsonl")).toEqual(none);
  });

  it("reads no seed that is not a whole number", () => {
    expect(readRunName("wc0.5-wd0.5-seed1.2.jsonl")).toEqual({weighting: {contrastiveWeight: 0.5, distillWeight: 0.5}, seed: null, pattern: "lab"});
  });
});

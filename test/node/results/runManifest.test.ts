import {describe, expect, it} from "vitest";
import {parseRunManifest} from "../../../src/lib/results/runManifest.js";

describe("parseRunManifest", () => {
  it("reads runs with a name and a .jsonl file inside data/runs/", () => {
    expect(parseRunManifest({runs: [{name: "a", file: "a/eval_results.jsonl", note: "kept out"}]})).toEqual([{name: "a", file: "a/eval_results.jsonl"}]);
  });

  it("names the wrong field", () => {
    expect(() => parseRunManifest([])).toThrow('runs: expected {"runs": [{"name", "file"}, …]}');
    expect(() => parseRunManifest({runs: [{name: "", file: "a.jsonl"}]})).toThrow("runs[0].name: expected a non-empty string");
    expect(() => parseRunManifest({runs: [{name: "a", file: "a.csv"}]})).toThrow("runs[0].file: expected the path of a .jsonl file");
    expect(() => parseRunManifest({runs: [{name: "a", file: "../x.jsonl"}]})).toThrow('runs[0].file: "../x.jsonl" must stay inside data/runs/');
  });
});

import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseRunManifest, readRunManifest, runManifestText} from "../../../src/lib/results/runManifest.js";

const files = (entries: Record<string, string>) => (path: string) => entries[path] ?? null;

describe("parseRunManifest", () => {
  it("reads runs with a name and a run folder inside the manifest's folder", () => {
    expect(parseRunManifest({runs: [{name: "a", dir: "rq1/a", note: "kept out"}]})).toEqual([{name: "a", dir: "rq1/a"}]);
  });

  it("names the wrong field", () => {
    expect(() => parseRunManifest([])).toThrow('runs: expected {"runs": [{"name", "dir"}, …]}');
    expect(() => parseRunManifest({runs: [{name: "", dir: "a"}]})).toThrow("runs[0].name: expected a non-empty string");
    expect(() => parseRunManifest({runs: [{name: "a", file: "a/run.json"}]})).toThrow("runs[0].dir: expected the path of a run folder");
    expect(() => parseRunManifest({runs: [{name: "a", dir: "../x"}]})).toThrow('runs[0].dir: "../x" must stay inside the manifest\'s folder');
    expect(() => parseRunManifest({runs: [{name: "a", dir: "/x"}]})).toThrow("must stay inside");
  });
});

describe("runManifestText", () => {
  it("writes what parseRunManifest reads, one run a line", () => {
    const entries = [{name: 'w_d = 0.75, "seed" 1', dir: "vim-wc0.25-wd0.75-seed1"}, {name: "b", dir: "b"}];
    const text = runManifestText(entries);
    expect(text.split("\n")).toHaveLength(entries.length + 3);
    expect(parseRunManifest(JSON.parse(text))).toEqual(entries);
  });

  it("is the format of every committed manifest", () => {
    for (const path of ["data/runs/index.json", "data/runs/rq1/index.json", "data/runs/rq2/index.json", "data/runs/preregistered/rq1/progress.json"]) {
      const text = readFileSync(path, "utf8");
      expect(runManifestText(parseRunManifest(JSON.parse(text))), path).toBe(text);
    }
  });
});

describe("readRunManifest", () => {
  it("gives each run's folder from the repository root, and nothing when the folder has no manifest", () => {
    expect(readRunManifest("data/runs", files({"data/runs/index.json": runManifestText([{name: "a", dir: "rq1/a"}])}))).toEqual({
      manifest: "data/runs/index.json",
      runs: [{name: "a", dir: "data/runs/rq1/a"}],
      problem: null
    });
    expect(readRunManifest("d", files({}))).toEqual({manifest: null, runs: [], problem: null});
  });

  it("reports a broken manifest, naming the field, instead of throwing", () => {
    expect(readRunManifest("d", files({"d/index.json": "[1,"}))).toEqual({manifest: "d/index.json", runs: [], problem: "not valid JSON"});
    expect(readRunManifest("d", files({"d/index.json": '{"runs": [{"name": "a"}]}'})).problem).toBe("runs[0].dir: expected the path of a run folder");
  });
});

import {packLink} from "../../../src/lib/results/linkCodec.js";
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseEvalResults} from "../../../src/lib/results/evalResults.js";
import {
  addRuns, decodeView, EMPTY_VIEW, encodeView, recordsToJsonl, removeRun, renameRun, runNameFromFile
} from "../../../src/lib/results/resultsView.js";

const records = parseEvalResults(readFileSync("test/fixtures/results/datacomp-b.jsonl", "utf8"), "b").records;
const two = addRuns(EMPTY_VIEW, [
  {name: "eval_results", source: "x/eval_results.jsonl", records},
  {name: "eval_results", source: "y/eval_results.jsonl", records: records.slice(0, 3)}
]);

describe("the results view", () => {
  it("names runs after their files", () => {
    expect(runNameFromFile("runs/a/eval_results.jsonl")).toBe("eval_results");
    expect(runNameFromFile("C:\\r\\s1 seed 2.JSON")).toBe("s1 seed 2");
    expect(runNameFromFile(".jsonl")).toBe(".jsonl");
  });

  it("gives added runs fresh ids and unique names; the first becomes the baseline", () => {
    expect(two.runs.map((r) => [r.id, r.name])).toEqual([
      ["run-1", "eval_results"],
      ["run-2", "eval_results (2)"]
    ]);
    expect(two.baseline).toBe("run-1");
    expect(addRuns(two, [{name: "z", source: "z", records}]).runs[2].id).toBe("run-3");
  });

  it("renames (keeping names unique, ignoring empty names) and removes, moving the baseline", () => {
    const renamed = renameRun(two, "run-2", "  eval_results ");
    expect(renamed.runs[1].name).toBe("eval_results (2)");
    expect(renameRun(two, "run-1", "   ").runs[0].name).toBe("eval_results");
    expect(renameRun(two, "run-1", "<b>x</b>").runs[0].name).toBe("<b>x</b>");
    const removed = removeRun(two, "run-1");
    expect(removed.runs.map((r) => r.id)).toEqual(["run-2"]);
    expect(removed.baseline).toBe("run-2");
    expect(removeRun(removed, "run-2").baseline).toBeNull();
  });

  it("round-trips through a URL-safe string, NaN metrics as missing", async () => {
    const view = {...renameRun(two, "run-1", "s1 | w_d=0.75 <i>"), metric: "acc1", scale: 100, baseline: "run-2"};
    const text = await encodeView(view);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    const back = await decodeView(text);
    expect(back).toEqual(view);
    expect(back.runs[0].records.find((r) => r.key === "imagenet-a")!.metrics.acc1).toBeNull();
  });

  it("names what is wrong with a damaged link", async () => {
    const text = await encodeView(two);
    await expect(decodeView(text.slice(0, 40))).rejects.toThrow("results link: view: not a link this page wrote");
    await expect(decodeView("!!!")).rejects.toThrow("results link: view:");
  });

  it("refuses a link that expands past the size a results file may have", async () => {
    // 5 MB of one repeated character deflates to a few KB: a small link, a huge view.
    const bomb = await packLink({v: 1, metric: "main_metric", scale: 1, baseline: -1, runs: [{name: "x".repeat(5 * 1024 * 1024), source: "s", jsonl: ""}]});
    expect(bomb.length).toBeLessThan(20_000);
    await expect(decodeView(bomb)).rejects.toThrow("results link: view: it expands to more than 4 MB, the most a results file may be; it was not read");
    const sweepOfRuns = {...two, runs: Array.from({length: 30}, (_, i) => ({...two.runs[0], id: `run-${i + 1}`, name: `run ${i}`}))};
    expect((await decodeView(await encodeView(sweepOfRuns))).runs).toHaveLength(30);
  });

  it("checks a link's runs as it checks files", async () => {
    const bad = {...two, runs: [{...two.runs[0], records: [{key: "k", dataset: "d", metrics: {acc1: "x" as unknown as number}}]}]};
    await expect(decodeView(await encodeView(bad))).rejects.toThrow(
      'results link: runs[0]: eval_results, line 1, field "metrics.acc1": expected a number (or NaN, null), got the string "x"'
    );
  });

  it("writes records back as JSON lines the parser reads", () => {
    expect(parseEvalResults(recordsToJsonl(records), "again").records).toEqual(records);
  });
});

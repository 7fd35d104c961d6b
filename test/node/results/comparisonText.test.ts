import {csvParseRows} from "d3-dsv";
import {describe, expect, it} from "vitest";
import {compareRuns, type ResultRun} from "../../../src/lib/results/comparison.js";
import {comparisonToCsv, comparisonToMarkdown, escapeMarkdown, formatDelta, formatValue} from "../../../src/lib/results/comparisonText.js";
import {dataCompGroupMeans} from "../../../src/lib/results/groupMeans.js";
import type {EvalRecord} from "../../../src/lib/results/evalResults.js";

const rec = (key: string, dataset: string, main: number | null): EvalRecord => ({key, dataset, metrics: {main_metric: main}});
const runs: ResultRun[] = [
  {id: "r1", name: "base | line", source: "a.jsonl", records: [rec("imagenet1k", "ImageNet 1k", 0.5), rec("x", "<img src=x onerror=alert(1)>", 0.25)]},
  {id: "r2", name: "=distilled", source: "b.jsonl", records: [rec("imagenet1k", "ImageNet 1k", 0.625), rec("x", "<img src=x onerror=alert(1)>", null)]}
];
const comparison = compareRuns(runs, {scorers: [dataCompGroupMeans], baseline: "r1", scale: 100});

describe("value formatting", () => {
  it("prints two digits for percentages, four for fractions, a dash when missing, signed deltas", () => {
    expect(formatValue(62.5, 100)).toBe("62.50");
    expect(formatValue(0.625, 1)).toBe("0.6250");
    expect(formatValue(null, 1)).toBe("—");
    expect(formatDelta(12.5, 100)).toBe("+12.50");
    expect(formatDelta(-0.00001, 100)).toBe("±0.00");
    expect(formatDelta(-1, 100)).toBe("−1.00");
    expect(formatDelta(null, 100)).toBe("");
  });
});

describe("comparisonToCsv", () => {
  it("writes one line per group and task with unrounded values, deltas and task counts", () => {
    const rows = csvParseRows(comparisonToCsv(comparison));
    expect(rows[0]).toEqual(["kind", "key", "name", "base | line main_metric", "'=distilled main_metric", "'=distilled delta", "base | line tasks", "'=distilled tasks"]);
    expect(rows[1]).toEqual(["group", "datacomp/imagenet", "ImageNet", "50", "62.5", "12.5", "1/1", "1/1"]);
    expect(rows[2]).toEqual(["group", "datacomp/average", "Average", "37.5", "62.5", "25", "2/2", "1/2"]);
    expect(rows[4]).toEqual(["task", "x", "<img src=x onerror=alert(1)>", "25", "", "", "", ""]);
    expect(rows).toHaveLength(5);
  });

  it("guards every formula-like cell that is not wholly a number, and leaves negative numbers alone", () => {
    const attack = "-2+3+cmd|' /C calc'!A0";
    const hostile: ResultRun[] = [
      {id: "a", name: "base", source: "a.jsonl", records: [rec("imagenet1k", "ImageNet 1k", 0.75), rec("t", attack, 0.5)]},
      {id: "b", name: attack, source: "b.jsonl", records: [rec("imagenet1k", "ImageNet 1k", 0.25), rec("t", attack, 1.5e-9)]}
    ];
    const rows = csvParseRows(comparisonToCsv(compareRuns(hostile, {scorers: [], baseline: "a", scale: 1})));
    expect(rows[0]).toEqual(["kind", "key", "name", "base main_metric", `'${attack} main_metric`, `'${attack} delta`, "base tasks", `'${attack} tasks`]);
    const task = rows.find((r) => r[1] === "t")!;
    expect(task).toEqual(["task", "t", `'${attack}`, "0.5", "1.5e-9", "-0.4999999985", "", ""]);
    expect(rows.find((r) => r[1] === "imagenet1k")![5]).toBe("-0.5");
  });
});

describe("comparisonToMarkdown", () => {
  const md = comparisonToMarkdown(comparison);
  it("writes the group and task tables, best in bold, deltas in parentheses, coverage noted", () => {
    expect(md).toContain("| Group | base \\| line | =distilled |");
    expect(md).toContain("| ImageNet | 50.00 | **62.50** (+12.50) |");
    expect(md).toContain("| Average | 37.50 | **62.50** (+25.00) [1/2] |");
    expect(md).toContain("| Dataset | base \\| line | =distilled |");
  });

  it("never lets a name become HTML or Markdown", () => {
    expect(md).not.toContain("<img");
    expect(md).toContain("| &lt;img src=x onerror=alert(1)&gt; | 25.00 | — |");
    expect(escapeMarkdown("a*b_c`d[e](f)|g\\h~i\nj&k")).toBe("a\\*b\\_c\\`d\\[e\\](f)\\|g\\\\h\\~i j&amp;k");
  });
});

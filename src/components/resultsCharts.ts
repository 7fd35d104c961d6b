import * as Plot from "@observablehq/plot";
import type {Comparison, ComparisonRow} from "../lib/results/comparison.js";
import {formatValue} from "../lib/results/comparisonText.js";

interface Bar {
  row: string;
  run: string;
  value: number;
}

function bars(c: Comparison, rows: readonly ComparisonRow[]): Bar[] {
  return rows.flatMap((row) => row.values.flatMap((value, i) => (value === null ? [] : [{row: row.label, run: c.runs[i].name, value}])));
}

/** Grouped horizontal bars: one band per row (group or task), one bar per run, in run order. */
function barChart(c: Comparison, rows: readonly ComparisonRow[], width: number): SVGSVGElement | HTMLElement {
  const runNames = c.runs.map((r) => r.name);
  return Plot.plot({
    width,
    height: 30 + rows.length * (runNames.length * 14 + 10),
    marginLeft: 170,
    marginRight: 50,
    x: {label: `${c.metric}${c.scale === 1 ? "" : ` ×${c.scale}`} →`, grid: true},
    y: {domain: runNames, axis: null},
    fy: {label: null, domain: rows.map((r) => r.label)},
    color: {domain: runNames, legend: true},
    marks: [
      Plot.barX(bars(c, rows), {fy: "row", y: "run", x: "value", fill: "run", tip: {format: {fy: true, y: true, x: (v: number) => formatValue(v, c.scale)}}}),
      Plot.text(bars(c, rows), {fy: "row", y: "run", x: "value", text: (d: Bar) => formatValue(d.value, c.scale), textAnchor: "start", dx: 3, fontSize: 9}),
      Plot.ruleX([0])
    ]
  });
}

/** Every group mean, runs side by side. */
export function groupMeansChart(c: Comparison, width: number): SVGSVGElement | HTMLElement {
  return barChart(c, c.groups, width);
}

/** The tasks one group averages, runs side by side. */
export function groupTasksChart(c: Comparison, group: ComparisonRow, width: number): SVGSVGElement | HTMLElement {
  const members = group.members ?? [];
  return barChart(c, c.tasks.filter((t) => members === "all" || members.includes(t.id)), width);
}

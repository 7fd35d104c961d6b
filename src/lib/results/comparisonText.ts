import {csvFormatRows} from "d3-dsv";
import type {Comparison, ComparisonRow} from "./comparison.js";

/** Fraction digits for values: two for percentages (as papers print them), four for fractions. */
export function digitsFor(scale: number): number {
  return scale >= 100 ? 2 : 4;
}

/** A value as printed everywhere (table, CSV, Markdown); "—" when missing. */
export function formatValue(value: number | null, scale: number): string {
  return value === null ? "—" : value.toFixed(digitsFor(scale));
}

/** A delta with its sign; empty when there is none. */
export function formatDelta(delta: number | null, scale: number): string {
  if (delta === null) return "";
  const text = Math.abs(delta).toFixed(digitsFor(scale));
  return Number(text) === 0 ? `±${text}` : `${delta > 0 ? "+" : "−"}${text}`;
}

/** "3/6" when a group mean averages fewer tasks than the group names, else "". */
export function coverageNote(row: ComparisonRow, run: number): string {
  const [n, of] = [row.counts?.[run], row.expected?.[run]];
  return n !== undefined && of !== undefined && n < of ? `${n}/${of}` : "";
}

/**
 * The comparison as CSV: one line per group mean and per task; columns kind, key, name, each run's
 * value, each non-baseline run's delta, and for groups each run's task count. Numbers keep 12
 * significant digits: all a float64 holds of the data, less the noise of scaling (0.55 × 100
 * is 55.00000000000001). Any cell that a spreadsheet would run as a formula (= + - @, tab, CR)
 * gets a leading apostrophe, unless the whole cell is a number: "-2+3+cmd|…" starts like one.
 */
export function comparisonToCsv(c: Comparison): string {
  const others = c.runs.filter((r) => r.id !== c.baseline);
  const header = [
    "kind",
    "key",
    "name",
    ...c.runs.map((r) => `${r.name} ${c.metric}`),
    ...others.map((r) => `${r.name} delta`),
    ...c.runs.map((r) => `${r.name} tasks`)
  ];
  const lines = [...c.groups, ...c.tasks].map((row) => [
    row.kind,
    row.id,
    row.label,
    ...row.values.map(csvNumber),
    ...others.map((r) => csvNumber(row.deltas[c.runs.indexOf(r)])),
    ...c.runs.map((_, i) => (row.counts ? `${row.counts[i]}/${row.expected![i]}` : ""))
  ]);
  const safe = (cell: string) => (/^[=+\-@\t\r]/.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell);
  return csvFormatRows([header.map(safe), ...lines.map((line) => line.map(safe))]) + "\n";
}

/** A whole cell that is one number as csvNumber writes it (negative, decimal, exponent). */
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;

function csvNumber(v: number | null): string {
  return v === null ? "" : String(Number(v.toPrecision(12)));
}

/**
 * The comparison as two GitHub-flavoured Markdown tables (group means, then tasks): the best
 * value of each row in bold, deltas against the baseline in parentheses. Names are escaped so
 * that none is read as Markdown or HTML.
 */
export function comparisonToMarkdown(c: Comparison): string {
  const baseline = c.runs.find((r) => r.id === c.baseline);
  const head = (first: string) => table([first, ...c.runs.map((r) => escapeMarkdown(r.name))], c.runs.length);
  const cells = (row: ComparisonRow) =>
    row.values.map((v, i) => {
      const value = formatValue(v, c.scale);
      const delta = formatDelta(row.deltas[i], c.scale);
      const note = coverageNote(row, i);
      return [row.best[i] ? `**${value}**` : value, delta && `(${delta})`, note && `[${note}]`].filter(Boolean).join(" ");
    });
  const body = (rows: readonly ComparisonRow[]) => rows.map((row) => tableRow([escapeMarkdown(row.label), ...cells(row)])).join("\n");
  const unit = c.scale === 1 ? "" : ` ×${c.scale}`;
  const parts = [
    `Metric: ${escapeMarkdown(c.metric)}${unit}; best per row in bold` +
      (baseline ? `; (±x) = difference from ${escapeMarkdown(baseline.name)}` : "") +
      "; [n/N] = a mean over n of the group's N tasks.",
    ""
  ];
  if (c.groups.length > 0) parts.push(head("Group"), body(c.groups), "");
  if (c.tasks.length > 0) parts.push(head("Dataset"), body(c.tasks), "");
  return parts.join("\n");
}

function table(header: string[], runs: number): string {
  return `${tableRow(header)}\n|:--|${"--:|".repeat(runs)}`;
}

function tableRow(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/**
 * Inside a table cell: backslash-escapes what Markdown would read as emphasis, code, links, strike
 * or a cell border, and writes <, >, & as entities (no HTML); newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

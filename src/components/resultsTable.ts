import {html} from "htl";
import type {Comparison, ComparisonRow} from "../lib/results/comparison.js";
import {coverageNote, formatDelta, formatValue} from "../lib/results/comparisonText.js";

/**
 * Runs side by side, one row per group or task: the best value of each row in bold, the delta
 * against the baseline under it, and "n/N" where a group mean covers only part of its group.
 * Every name is inserted as text; data attributes carry raw values for tests and scripts.
 */
export function comparisonTable(c: Comparison, rows: readonly ComparisonRow[], firstHeader: string): HTMLElement {
  const header = html`<tr><th>${firstHeader}</th>${c.runs.map((r) => html`<th style="text-align:right">${r.name}${r.id === c.baseline ? html`<br><small>baseline</small>` : ""}</th>`)}</tr>`;
  const cell = (row: ComparisonRow, i: number) => {
    const value = formatValue(row.values[i], c.scale);
    const delta = formatDelta(row.deltas[i], c.scale);
    const note = coverageNote(row, i);
    const colour = (row.deltas[i] ?? 0) > 0 ? "var(--theme-green)" : (row.deltas[i] ?? 0) < 0 ? "var(--theme-red)" : "inherit";
    return html`<td style="text-align:right;font-variant-numeric:tabular-nums" data-run-id=${c.runs[i].id}
      data-value=${row.values[i] ?? ""} data-best=${row.best[i] ? "true" : "false"}>
      ${row.best[i] ? html`<strong>${value}</strong>` : value}
      ${delta ? html`<br><small class="results-delta" style=${`color:${colour}`}>${delta}</small>` : ""}
      ${note ? html`<br><small class="results-coverage" title="tasks with a value / tasks in the group">${note}</small>` : ""}
    </td>`;
  };
  const body = rows.map(
    (row) => html`<tr data-kind=${row.kind} data-id=${row.id}><td title=${row.id}>${row.label}</td>${row.values.map((_, i) => cell(row, i))}</tr>`
  );
  return html`<table class=${`results-table results-${rows[0]?.kind ?? "empty"}s`} style="max-width:none"><thead>${header}</thead><tbody>${body}</tbody></table>`;
}

import {html} from "htl";
import type {ResultsView} from "../lib/results/resultsView.js";

export interface RunsPanelActions {
  rename(id: string, name: string): void;
  remove(id: string): void;
  setBaseline(id: string): void;
}

/**
 * One row per loaded run: its editable name (committed on change, so typing does not redraw the
 * page under the cursor), where it came from, how many tasks it has, the baseline choice and a
 * remove button.
 */
export function runsPanel(view: ResultsView, actions: RunsPanelActions): HTMLElement {
  if (view.runs.length === 0) return html`<p class="results-runs" data-count="0"><em>No runs loaded yet.</em></p>`;
  const rows = view.runs.map((run) => {
    const name = html`<input type="text" class="results-run-name" value=${run.name} aria-label="run name" style="width:16rem">` as HTMLInputElement;
    name.addEventListener("change", () => actions.rename(run.id, name.value));
    const baseline = html`<input type="radio" name="results-baseline" class="results-baseline" aria-label="baseline" checked=${view.baseline === run.id}>` as HTMLInputElement;
    baseline.addEventListener("change", () => baseline.checked && actions.setBaseline(run.id));
    const remove = html`<button type="button" class="results-remove">Remove</button>` as HTMLButtonElement;
    remove.addEventListener("click", () => actions.remove(run.id));
    return html`<tr data-run-id=${run.id}><td>${name}</td><td><code>${run.source}</code></td><td>${run.records.length}</td><td style="text-align:center">${baseline}</td><td>${remove}</td></tr>`;
  });
  return html`<table class="results-runs" data-count=${view.runs.length} style="max-width:none">
    <thead><tr><th>run (click to rename)</th><th>from</th><th>tasks</th><th>baseline</th><th></th></tr></thead>
    <tbody>${rows}</tbody>
  </table>`;
}

import {html} from "htl";
import {describeProblem, readResultsFile} from "../lib/results/evalResults.js";
import {addLoadedFiles, assignRun, removeLoadedRun, type LoadedSweep} from "../lib/rq/loadedSweep.js";
import type {GainNeed} from "../lib/rq/posterRq1.js";
import type {Weighting} from "../lib/rq/runName.js";
import {weightingName} from "../lib/rq/sweepPosterTable.js";

/** The RQ1 page's loaded sweep and what the latest action refused (each line names its file). */
export interface LoadedSession {
  readonly sweep: LoadedSweep;
  readonly loads: number;
  readonly problems: readonly {kind: string; message: string}[];
}

/**
 * Reads dropped or chosen files into the session. A folder's relative path is the source when
 * the browser gives one: DataComp names every file eval_results.jsonl, and the folder says
 * which run it is. Refused files are listed; the runs already loaded stay.
 */
export async function loadSweepFiles(session: LoadedSession, files: readonly File[]): Promise<LoadedSession> {
  const read = await Promise.all(files.map(async (file) => ({source: file.webkitRelativePath || file.name, result: await readResultsFile(file)})));
  const unreadable = read.flatMap(({result}) => result.errors.map((p) => ({kind: "unreadable", message: describeProblem(p)})));
  const added = addLoadedFiles(session.sweep, read.filter(({result}) => result.errors.length === 0).map(({source, result}) => ({source, records: result.records})));
  return {sweep: added.sweep, loads: session.loads + 1, problems: [...unreadable, ...added.problems]};
}

/** The session after an edit, or as it was with the refusal said. */
export function editSweep(session: LoadedSession, edit: (sweep: LoadedSweep) => LoadedSweep): LoadedSession {
  try {
    return {...session, sweep: edit(session.sweep), loads: session.loads + 1, problems: []};
  } catch (e) {
    return {...session, loads: session.loads + 1, problems: [{kind: "edit", message: (e as Error).message}]};
  }
}

export function loadProblems(session: LoadedSession): HTMLElement {
  return html`<div class="rq-load-problems" data-loads=${session.loads} data-count=${session.problems.length}>
    ${session.problems.length > 0 ? html`<ul>${session.problems.map((p) => html`<li data-kind=${p.kind}>${p.message}</li>`)}</ul>` : ""}
  </div>`;
}

/** One row per loaded file: its weighting and seed (editable), where the seed came from, its coverage. */
export function loadedRunsTable(session: LoadedSession, onChange: (change: (s: LoadedSession) => LoadedSession) => void): HTMLElement {
  const number = (value: number | null, step: string, cls: string) =>
    html`<input type="number" class=${cls} min="0" max=${cls === "rq-seed" ? "" : "1"} step=${step} value=${value ?? ""} style="width:5.5em">` as HTMLInputElement;
  const rows = session.sweep.runs.map((run) => {
    const wc = number(run.weighting?.contrastiveWeight ?? null, "any", "rq-wc");
    const wd = number(run.weighting?.distillWeight ?? null, "any", "rq-wd");
    const seed = number(run.seed, "1", "rq-seed");
    const apply = () => {
      if (wc.value === "" || wd.value === "") return;
      const weighting: Weighting = {contrastiveWeight: Number(wc.value), distillWeight: Number(wd.value)};
      onChange((s) => editSweep(s, (sweep) => assignRun(sweep, run.id, weighting, Number(seed.value))));
    };
    for (const input of [wc, wd, seed]) input.addEventListener("change", apply);
    const remove = html`<button type="button" class="rq-remove">Remove</button>` as HTMLButtonElement;
    remove.addEventListener("click", () => onChange((s) => editSweep(s, (sweep) => removeLoadedRun(sweep, run.id))));
    const avg = run.columns.coverage.avg_perf;
    return html`<tr data-run=${run.id} data-seed-origin=${run.seedOrigin} data-weighted=${run.weighting ? "true" : "false"}>
      <td><code>${run.source}</code></td><td>${wc}</td><td>${wd}</td><td>${seed}${run.seedOrigin === "default" ? html` <small>(assumed)</small>` : ""}</td>
      <td style="text-align:right" data-coverage=${`${avg.count}/${avg.expected}`}>${avg.count}/${avg.expected}</td><td>${remove}</td></tr>`;
  });
  return html`<table class="rq-loaded-runs" style="max-width:none">
    <thead><tr><th>file</th><th>w_c</th><th>w_d</th><th>seed</th><th style="text-align:right">tasks (Average)</th><th></th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

/** What the gain over contrastive-only needs and the loaded sweep lacks. */
export function gainNeeds(needs: readonly GainNeed[], compared: Weighting): HTMLElement {
  const words: Record<GainNeed, string> = {
    "contrastive-only": "a contrastive-only run (w_c = 1, w_d = 0), the baseline every gain is taken from",
    "compared-weighting": `a run at the compared weighting ${weightingName(compared)}`
  };
  return html`<div class="rq-gain-needs" data-needs=${needs.join(" ")}><p>The gain over contrastive-only needs ${needs.map((n) => words[n]).join(", and ")}. Load one, or set a file's weighting in the table above.</p></div>`;
}

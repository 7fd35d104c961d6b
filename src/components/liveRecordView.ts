import {html} from "htl";
import {liveFindings, type LiveArmFindings, type LiveRecord} from "../lib/train/liveRecord.js";
import {LIVE_EVAL_SIZES} from "../lib/train/settings.js";

const right = "text-align:right";
const score = (v: number | null | undefined) => (v == null ? "—" : v.toFixed(3));

/**
 * What pressing Start bought on the lab's own machine, from data/bench/live.json: each arm's
 * steps and last evaluation, the goal (half the teachers' Objects-20 score) judged on the
 * distilled arm, and the earlier records beside the newest.
 */
export function liveRecordView({bench}: {bench: LiveRecord | null}): HTMLElement {
  if (bench === null) {
    return html`<p class="live-record-missing">No live benchmark is recorded yet: <code>npm run bench:live</code> writes <code>data/bench/live.json</code>.</p>`;
  }
  const newest = liveFindings(bench);
  const all = [newest, ...(bench.earlier ?? []).map((r) => liveFindings(r))];
  const distilled = newest.arms.find((a) => a.weights[1] > 0);
  const row = (date: string, minutes: number, a: LiveArmFindings) =>
    html`<tr data-date=${date} data-weights=${a.weights.join(",")} data-steps=${a.steps}><td>${date}</td><td style=${right}>${minutes}</td><td>${a.arm} (${a.weights.join(", ")})</td>
      <td style=${right}>${a.steps}</td><td style=${right}>${Number.isFinite(a.secondsPerStep) ? a.secondsPerStep.toFixed(2) : "—"}</td><td style=${right}>${a.load.toFixed(1)}</td>
      <td style=${right}>${a.last?.step ?? "—"}</td><td style=${right}>${score(a.last?.objects)}</td><td style=${right}>${a.objectsShareOfTeachers == null ? "—" : `${Math.round(100 * a.objectsShareOfTeachers)}%`}</td><td style=${right}>${score(a.last?.retrieval)}</td></tr>`;
  return html`<div class="live-record" data-goal-met=${newest.goalMet ? "true" : "false"}>
    <p>Recorded on ${newest.date} on a ${newest.machine} (wasm), pressing Start and waiting ${newest.minutes} minutes: the default distilled student
      reached <strong>${distilled?.steps ?? 0} steps</strong> and Objects-20 ${score(distilled?.last?.objects)} at its last evaluation, against
      ${score(newest.teachersObjects)} for its teachers. The lab's goal, half the teachers' score (${score(newest.goal)}), is
      <strong>${newest.goalMet ? "met" : "not met"}</strong>${newest.goalMet ? "." : html`: shape takes far more steps than a few minutes give here (the RQ1 page's 1,000-step runs show where it starts).`}</p>
    <table class="live-record-table" style="max-width:none"><thead><tr><th>recorded</th><th style=${right}>minutes</th><th>weights (w_c, w_d)</th><th style=${right}>steps</th><th style=${right}>s / step</th><th style=${right}>load</th>
      <th style=${right}>last eval at step</th><th style=${right}>Objects-20</th><th style=${right}>of teachers'</th><th style=${right}>retrieval</th></tr></thead>
      <tbody>${all.flatMap((f) => f.arms.map((a) => row(f.date, f.minutes, a)))}</tbody></table>
    <p class="muted">Evaluations here are the page's small live sets (${LIVE_EVAL_SIZES.perSet} images a suite, ${LIVE_EVAL_SIZES.retrievalCount} scenes for retrieval), so a score moves by a few points between evaluations by chance alone; load is the machine's 1-minute load average during the run (2 cores).</p>
  </div>`;
}

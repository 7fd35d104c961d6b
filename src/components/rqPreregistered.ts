import {html} from "htl";
import type {SweepBundle} from "../lib/rq/runBundle.js";
import type {SweepProgress} from "../lib/rq/sweepProgress.js";
import {RQ1_PREREGISTRATION} from "../lib/rq/rq1Preregistration.js";

/**
 * Where the pre-registered sweep stands, arm by arm. While it is under way the page may show the
 * finished runs analysed the same way, but says loudly that this is an interim look, not the
 * verdict: the pre-registration fixed the seeds in advance, and a verdict read off a partial
 * sweep could be stopped whenever it happened to look good.
 */
export function preregisteredStatus(bundle: SweepBundle, progress: SweepProgress): HTMLElement {
  const primary = progress.arms.filter((a) => a.primary);
  const pairWords = primary.map((a) => `(${a.contrastiveWeight}, ${a.distillWeight}) ${a.finishedSeeds.length} of ${a.plannedSeeds.length}`).join(", ");
  const state = bundle.complete ? "complete" : progress.finished > 0 ? "interim" : "not-started";
  const lead = {
    complete: html`<p><strong>All ${progress.finished} runs are in.</strong> The verdict below is the pre-registered one.</p>`,
    interim: html`<p><strong>Under way: ${progress.finished} of ${progress.planned} runs finished</strong> (primary comparison: ${pairWords} seeds).
      Below is an <strong>interim look</strong> at the finished runs, computed as the verdict will be. It is <strong>not the verdict</strong>: that is
      computed once every planned run is in (at least ${RQ1_PREREGISTRATION.minimumSeeds} seeds per poster weighting), whatever the interim numbers say.</p>`,
    "not-started": html`<p><strong>No run of the pre-registered sweep is committed yet.</strong> Nothing on this page stands in for it.</p>`
  }[state];
  return html`<div class="rq1-preregistered" data-state=${state} data-finished=${progress.finished} data-planned=${progress.planned}>
    ${lead}
    <table class="rq1-progress" style="max-width:none">
      <thead><tr><th>(w_c, w_d)</th><th>DR loss</th><th>role</th><th style="text-align:right">seeds finished</th><th>seeds</th></tr></thead>
      <tbody>${progress.arms.map(
        (a) => html`<tr data-wd=${a.distillWeight} data-dr=${String(a.dr)} data-finished=${a.finishedSeeds.length} data-planned=${a.plannedSeeds.length}>
          <td>(${a.contrastiveWeight}, ${a.distillWeight})</td><td>${a.dr ? "on" : "off"}</td><td>${a.primary ? "primary" : "secondary"}</td>
          <td style="text-align:right">${a.finishedSeeds.length} / ${a.plannedSeeds.length}</td><td>${a.finishedSeeds.join(", ")}</td></tr>`
      )}</tbody>
    </table>
    ${progress.unplanned.length > 0 || bundle.problems.length > 0
      ? html`<p><small>Not used: ${[...progress.unplanned.map((s) => `${s} (not a planned run)`), ...bundle.problems].join("; ")}.</small></p>`
      : ""}
  </div>`;
}

import {html} from "htl";
import {STUDENT_TOKENS} from "../lib/rq/latencyStudy.js";
import type {LatencySummary} from "../lib/rq/latencySummary.js";
import {recordedFindings, type RecordedLatency} from "../lib/rq/recordedLatency.js";

const right = "text-align:right";
const tokens = (n: number) => n.toLocaleString("en-US");
const ratioCell = (s: LatencySummary) => (s.native ? `${s.native.ratio.toFixed(2)}${s.native.interval ? ` (${s.native.interval.low.toFixed(2)}–${s.native.interval.high.toFixed(2)})` : ""}` : "—");
const span = (s: LatencySummary) => (s.ratios.length === 0 ? "—" : `${tokens(s.ratios[0].tokens)}–${tokens(s.ratios.at(-1)!.tokens)}`);

/**
 * What the ratio at 4,096 patches leaves out, from every recording of the benchmark: Vim/ViT at
 * the students' own size, where they are trained and evaluated, and whether the ViT is as fast
 * or faster at every size measured, batch by batch and clock by clock.
 */
export function latencyCaveats(bench: RecordedLatency, {posterRatio}: {posterRatio?: number} = {}): HTMLElement {
  const recordings = [bench, ...(bench.earlier ?? [])];
  const rows = recordings.flatMap((rec) =>
    rec.runs.flatMap((run) => recordedFindings(run, {posterRatio}).flatMap((f) => f.summaries.map((s) => ({date: rec.machine.date.slice(0, 10), run, clock: f.clock, s}))))
  );
  // The newest recording's steadiest clock speaks first: CPU time where it was read.
  const latest = recordedFindings(bench.runs[0], {posterRatio});
  const lead = latest.find((f) => f.clock === "CPU") ?? latest[0];
  const batch1 = lead?.summaries.find((s) => s.batch === 1);
  const large = lead?.summaries.filter((s) => s.batch > 1) ?? [];
  return html`<div class="rq-latency-caveats">
    ${batch1?.native
      ? html`<p class="rq-caveat-native" data-ratio=${batch1.native.ratio}>At the students' own ${tokens(STUDENT_TOKENS)} tokens, the size they are trained and scored at, the Vim student is
        <strong>${batch1.native.ratio.toFixed(1)}× ${batch1.native.ratio >= 1 ? "slower" : "faster"}</strong> than the ViT (${bench.runs[0].runtime}, ${lead.clock === "CPU" ? "process CPU time" : "wall time"}, batch 1${batch1.native.interval ? `; 95% interval ${batch1.native.interval.low.toFixed(2)}× to ${batch1.native.interval.high.toFixed(2)}×` : ""}).</p>`
      : ""}
    ${large.map(
      (s) => html`<p class="rq-caveat-batch" data-batch=${s.batch} data-vit-as-fast=${s.vitAsFastThroughout ? "true" : "false"}>At batch ${s.batch}, ${s.vitAsFastThroughout
        ? html`<strong>the ViT is as fast as Vim or faster at every size measured</strong> (${span(s)} tokens)`
        : `Vim is measurably faster at some size (${span(s)} tokens measured)`}.</p>`
    )}
    <table class="rq-caveats" style="max-width:none"><thead><tr><th>recorded</th><th>runtime</th><th>clock</th><th style=${right}>batch</th><th style=${right}>Vim / ViT at ${tokens(STUDENT_TOKENS)} tokens (95% interval)</th><th style=${right}>tokens measured by both</th><th>ViT as fast or faster at every size</th></tr></thead>
      <tbody>${rows.map(
        ({date, run, clock, s}) => html`<tr data-clock=${clock} data-batch=${s.batch} data-native-ratio=${s.native?.ratio ?? ""}><td>${date}</td><td>${run.runtime}, ${run.backend}</td><td>${clock}</td><td style=${right}>${s.batch}</td>
          <td style=${right}>${ratioCell(s)}</td><td style=${right}>${span(s)}</td><td>${s.ratios.length < 2 ? "—" : s.vitAsFastThroughout ? "yes" : "no"}</td></tr>`
      )}</tbody></table>
  </div>`;
}

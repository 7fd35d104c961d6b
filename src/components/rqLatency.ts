import * as Plot from "@observablehq/plot";
import {html} from "htl";
import {resize} from "observablehq:stdlib";
import type {LatencyPoint} from "../lib/rq/latencyStudy.js";
import type {LatencySummary, TimedPoint} from "../lib/rq/latencySummary.js";
import {recordedFindings, runPoints, type RecordedLatency} from "../lib/rq/recordedLatency.js";

const NAMES = {vim: "Vim (Mamba)", vit: "ViT"} as const;

/**
 * Latency against tokens on log–log axes: measured medians (dots and lines, one per encoder
 * and batch), each fitted power law over its range (dashed) and the crossovers (vertical rules).
 */
export function latencyChart(points: readonly TimedPoint[], summaries: readonly LatencySummary[], width: number): SVGSVGElement | HTMLElement {
  const measured = points
    .filter((p) => p.status === "measured")
    .map((p) => ({encoder: NAMES[p.encoder], batch: `batch ${p.batch}`, series: `${NAMES[p.encoder]}, batch ${p.batch}`, tokens: p.tokens, ms: p.medianMs!, size: p.imageSize === null ? "—" : `${p.imageSize}×${p.imageSize}`}));
  const fits = summaries.flatMap((s) =>
    (["vim", "vit"] as const).flatMap((name) => {
      const f = s.upperFits[name];
      if (!f) return [];
      return [f.xMin, f.xMax].map((x) => ({series: `${NAMES[name]}, batch ${s.batch}`, encoder: NAMES[name], tokens: x, ms: f.coefficient * x ** f.exponent, label: `∝ n^${f.exponent.toFixed(2)}`}));
    })
  );
  const crossings = summaries
    .flatMap((s) => s.crossings.map((c) => ({tokens: c.x, label: `batch ${s.batch}: crossover ≈ ${Math.round(c.x).toLocaleString("en-US")} tokens`})))
    .map((c, i) => ({...c, line: i}));
  return Plot.plot({
    width,
    height: 380,
    marginRight: 60,
    x: {type: "log", label: "tokens (patches + class token) →", grid: true},
    y: {type: "log", label: "↑ forward pass, median ms", grid: true},
    color: {legend: true, domain: [NAMES.vim, NAMES.vit]},
    symbol: {legend: summaries.length > 1, domain: summaries.map((s) => `batch ${s.batch}`)},
    marks: [
      Plot.ruleX(crossings, {x: "tokens", stroke: "var(--theme-foreground-muted)", strokeDasharray: "2,3"}),
      // One label line per crossover, stacked, so nearby crossovers stay legible.
      ...crossings.map((c) => Plot.text([c], {x: "tokens", text: "label", frameAnchor: "top", dy: 4 + 13 * c.line, dx: 4, textAnchor: "start", fontSize: 10, lineAnchor: "top"})),
      Plot.line(fits, {x: "tokens", y: "ms", z: "series", stroke: "encoder", strokeDasharray: "5,4", strokeOpacity: 0.7}),
      Plot.text(fits.filter((_, i) => i % 2 === 1), {x: "tokens", y: "ms", text: "label", fill: "encoder", dx: 6, textAnchor: "start", fontSize: 10}),
      Plot.line(measured, {x: "tokens", y: "ms", z: "series", stroke: "encoder", strokeOpacity: 0.5}),
      Plot.dot(measured, {x: "tokens", y: "ms", stroke: "encoder", symbol: "batch", r: 4, tip: true, channels: {size: "size", batch: "batch"}})
    ]
  });
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)}`;

/** Every point of a study, measured or skipped with its reason. */
export function latencyTable(points: readonly LatencyPoint[]): HTMLElement {
  return html`<table class="rq-latency" style="max-width:none">
    <thead><tr><th>backend</th><th style="text-align:right">batch</th><th style="text-align:right">image</th><th style="text-align:right">tokens</th><th>encoder</th>
      <th style="text-align:right">parameters</th><th style="text-align:right">est. peak MiB</th><th style="text-align:right">median ms</th><th style="text-align:right">median CPU ms</th><th>passes (ms) or reason skipped</th></tr></thead>
    <tbody>${points.map(
      (p) => html`<tr data-encoder=${p.encoder} data-batch=${p.batch} data-size=${p.imageSize} data-status=${p.status} data-median=${p.medianMs ?? ""} data-cpu-median=${p.medianCpuMs ?? ""}>
        <td>${p.backend}</td><td style="text-align:right">${p.batch}</td><td style="text-align:right">${p.imageSize}²</td>
        <td style="text-align:right">${p.tokens.toLocaleString("en-US")}</td><td>${NAMES[p.encoder]}</td>
        <td style="text-align:right">${p.parameters.toLocaleString("en-US")}</td><td style="text-align:right">${mib(p.estimatedPeakBytes)}</td>
        <td style="text-align:right">${p.medianMs === null ? "" : p.medianMs.toFixed(1)}</td>
        <td style="text-align:right">${p.medianCpuMs === null ? "—" : p.medianCpuMs.toFixed(1)}</td>
        <td>${p.status === "measured" ? `${p.timesMs.map((t) => t.toFixed(0)).join(", ")}${p.cpuTimesMs ? `; CPU ${p.cpuTimesMs.map((t) => t.toFixed(0)).join(", ")}` : ""}` : html`<em>${p.reason}</em>`}</td>
      </tr>`
    )}</tbody>
  </table>`;
}

/** Vim/ViT at every size both encoders were measured at, per device and batch. */
export function ratioTable(summaries: readonly LatencySummary[]): HTMLElement {
  return html`<table class="rq-loaded-ratios" style="max-width:none"><thead><tr><th>device</th><th style="text-align:right">batch</th><th style="text-align:right">tokens</th><th style="text-align:right">Vim / ViT</th></tr></thead>
    <tbody>${summaries.flatMap((s) => s.ratios.map((r) => html`<tr data-tokens=${r.tokens} data-ratio=${r.ratio}><td>${s.backend}</td><td style="text-align:right">${s.batch}</td><td style="text-align:right">${r.tokens.toLocaleString("en-US")}</td><td style="text-align:right">${r.ratio.toFixed(3)}</td></tr>`))}</tbody></table>`;
}

const interval = (iv: {low: number; high: number} | null, digits: number) => (iv ? ` (95% interval ${iv.low.toFixed(digits)} to ${iv.high.toFixed(digits)})` : "");

/** One recording's runs: load, then per clock its chart, summary sentences and targets; every point. */
function recordingView(bench: Omit<RecordedLatency, "earlier">, posterRatio: number | undefined): HTMLElement {
  return html`<div>${bench.runs.map((run) => {
    const findings = recordedFindings(run, {posterRatio});
    const loads = (run.rounds ?? [run]).map((r) => `${r.loadBefore.loadAverage1m}–${r.loadAfter?.loadAverage1m ?? "?"}`);
    const points = runPoints(run);
    const sum = (f: (p: (typeof points)[number]) => readonly number[]) => points.reduce((s, p) => s + f(p).reduce((a, b) => a + b, 0), 0);
    const cpuShare = points.every((p) => p.status !== "measured" || p.cpuTimesMs) && findings.length > 1 ? sum((p) => p.cpuTimesMs ?? []) / sum((p) => p.timesMs) : null;
    return html`<h3>${run.runtime}, ${run.backend}</h3>
      <p><small>Load average ${loads.length > 1 ? `in each of its ${loads.length} rounds` : ""} ${loads.join(", ")} on ${bench.machine.cores} cores${run.complete ? "" : "; the run did not finish"}.
        ${cpuShare === null ? "No CPU clock here (a browser has none): wall time only." : `Its passes had ${(100 * cpuShare).toFixed(0)}% of their wall time on a CPU; the rest, other jobs held the cores.`}</small></p>
      ${findings.map((f) => html`<h4>${f.clock === "wall" ? "Wall time" : "Process CPU time"}</h4>
        ${resize((width) => latencyChart(f.points, f.summaries, width))}
        ${f.summaries.map((s) => html`<p data-clock=${f.clock} data-batch=${s.batch}>${s.sentences.join(" ")}</p>`)}
        ${f.targets && f.targets.vimExponent !== null ? html`<p class="rq-targets" data-clock=${f.clock} data-exponent-verdict=${f.targets.vimExponentVerdict} data-ratio-verdict=${f.targets.ratioVerdict ?? ""}>
          Targets at batch 1: Vim's exponent ≤ ${f.targets.vimExponentTarget}: ${f.targets.vimExponent.toFixed(2)}${interval(f.targets.vimExponentInterval, 2)}, <strong>${f.targets.vimExponentVerdict}</strong>${f.targets.ratioAt4096Tokens === null ? "" : html`; Vim/ViT at 4,097 tokens ≤ ${f.targets.ratioTarget}: ${f.targets.ratioAt4096Tokens.toFixed(3)}${interval(f.targets.ratioInterval, 3)}, <strong>${f.targets.ratioVerdict}</strong>`}.</p>` : ""}`)}
      <details><summary>Every point</summary>${latencyTable(points)}</details>`;
  })}</div>`;
}

/**
 * The recorded benchmark, summarised afresh from its passes on each clock, with its targets
 * judged on their intervals; earlier recordings follow, folded, for comparison.
 */
export function recordedBench(bench: RecordedLatency, source: string, {posterRatio}: {posterRatio?: number} = {}): HTMLElement {
  return html`<div class="rq-bench">
    <p>From <code>${source}</code>: ${bench.machine.cpu}, ${bench.machine.cores} cores, ${bench.machine.date.slice(0, 10)}. ${bench.note}.</p>
    ${recordingView(bench, posterRatio)}
    ${(bench.earlier ?? []).map((e) => html`<details class="rq-bench-earlier"><summary>Recorded earlier, ${e.machine.date.slice(0, 10)}</summary><p>${e.note}.</p>${recordingView(e, posterRatio)}</details>`)}
  </div>`;
}

import * as Plot from "@observablehq/plot";
import {html} from "htl";
import {rowOutcome, type MetricFindings, type Rq1Verdict} from "../lib/rq/rq1Verdict.js";
import type {TeacherScores} from "../lib/rq/teacherScores.js";

/**
 * One small chart per score: every seed's value (dots), the mean over seeds (line) and its 95%
 * interval (bars) at each distillation weight λ = w_d, the poster's λ marked, and the teachers'
 * scores as dashed lines. Values in percent.
 */
export function sweepCharts(findings: readonly MetricFindings[], teachers: readonly TeacherScores[], posterLambda: number): HTMLElement {
  return html`<div class="rq-sweep-charts" style="display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem">
    ${findings.map((f) => sweepChart(f, teachers, posterLambda))}
  </div>`;
}

function sweepChart(f: MetricFindings, teachers: readonly TeacherScores[], posterLambda: number): HTMLElement {
  const seeds = f.byLambda.flatMap((s) => s.values.map((v) => ({lambda: s.lambda, seed: v.seed, value: 100 * v.value})));
  const means = f.byLambda.map((s) => ({lambda: s.lambda, mean: 100 * s.mean, low: s.low === null ? null : 100 * s.low, high: s.high === null ? null : 100 * s.high, n: s.n}));
  const lines = teachers.filter((t) => typeof t.scores[f.metric.key] === "number").map((t) => ({name: t.name, value: 100 * t.scores[f.metric.key]}));
  const chart = Plot.plot({
    width: 320,
    height: 220,
    marginRight: lines.length > 0 ? 70 : 20,
    x: {label: "w_d →", domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1], tickFormat: String},
    y: {label: `${f.metric.label} (%)`, grid: true, nice: true},
    marks: [
      Plot.ruleX([posterLambda], {stroke: "var(--theme-foreground-faint)", strokeDasharray: "2,3"}),
      Plot.ruleY(lines, {y: "value", stroke: "var(--theme-foreground-muted)", strokeDasharray: "6,4"}),
      Plot.text(lines, {y: "value", x: 1, text: "name", textAnchor: "start", dx: 6, fontSize: 9, fill: "var(--theme-foreground-muted)"}),
      Plot.dot(seeds, {x: "lambda", y: "value", r: 2.5, fill: "var(--theme-foreground-faint)", tip: true, channels: {seed: "seed"}}),
      Plot.ruleX(means.filter((m) => m.low !== null), {x: "lambda", y1: "low", y2: "high", strokeWidth: 2, stroke: "var(--theme-foreground-focus)"}),
      Plot.line(means, {x: "lambda", y: "mean", stroke: "var(--theme-foreground-focus)"}),
      Plot.dot(means, {x: "lambda", y: "mean", r: 4, fill: "var(--theme-foreground-focus)", tip: true, channels: {seeds: "n", low: "low", high: "high"}})
    ]
  });
  return html`<figure class="rq-sweep-chart" data-metric=${f.metric.key} data-outcome=${rowOutcome(f)} style="margin:0">${chart}</figure>`;
}

const OUTCOME_WORDS: Record<MetricFindings["outcome"], string> = {
  replicates: "distillation better (beyond noise)",
  weak: "distillation ahead (within noise)",
  reversed: "contrastive-only better (beyond noise)",
  "weak-reversed": "contrastive-only ahead (within noise)",
  tie: "tie",
  untestable: "cannot compare"
};

/** The verdict in words: headline, reasons, and what was left out. */
export function verdictBlock(v: Rq1Verdict): HTMLElement {
  return html`<div class="rq-verdict" data-outcome=${v.metrics[0]?.outcome ?? "none"}>
    <p><strong class="rq-headline">${v.headline}</strong></p>
    <ul>${v.sentences.map((s) => html`<li>${s}</li>`)}</ul>
    ${v.excluded.length > 0 ? html`<p><small>Left out: ${v.excluded.join("; ")}.</small></p>` : ""}
  </div>`;
}

/** One line per score: the poster's comparison, paired by seed, and where the optimum is. */
export function findingsTable(v: Rq1Verdict): HTMLElement {
  const pts = (x: number | null | undefined) => (x === null || x === undefined ? "" : `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}`);
  return html`<table class="rq-findings" style="max-width:none">
    <thead><tr><th>score</th><th style="text-align:right">contrastive-only (×100)</th><th style="text-align:right">w_d = ${v.posterLambda} (×100)</th>
      <th style="text-align:right">difference (points)</th><th style="text-align:right">95% interval</th><th>outcome (suites: after Holm)</th><th style="text-align:right">p (Holm)</th><th style="text-align:right">peak of the trend (95%)</th></tr></thead>
    <tbody>${v.metrics.map((f) => {
      const d = f.posterVsBaseline;
      const t = f.trend;
      const p = f.metric.kind === "suite" ? f.holmP : (d?.p ?? null);
      const outcome = rowOutcome(f);
      return html`<tr data-metric=${f.metric.key} data-outcome=${outcome} data-kind=${f.metric.kind} data-p=${p ?? ""} data-peak=${t?.optimum ?? ""}>
        <td>${f.metric.label}</td>
        <td style="text-align:right">${f.baseline ? (100 * f.baseline.mean).toFixed(1) : ""}</td>
        <td style="text-align:right">${f.poster ? (100 * f.poster.mean).toFixed(1) : ""}</td>
        <td style="text-align:right">${pts(d?.mean)}</td>
        <td style="text-align:right">${d && d.low !== null ? `${pts(d.low)} … ${pts(d.high)}` : ""}</td>
        <td>${OUTCOME_WORDS[outcome]}</td>
        <td style="text-align:right">${p === null ? "" : p < 0.001 ? "< 0.001" : p.toFixed(3)}</td>
        <td style="text-align:right">${t ? `${t.optimum.toFixed(2)}${t.optimumInterval ? ` (${t.optimumInterval[0].toFixed(2)}–${t.optimumInterval[1].toFixed(2)})` : ""}` : ""}</td>
      </tr>`;
    })}</tbody>
  </table>`;
}

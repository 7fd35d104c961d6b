import * as Plot from "@observablehq/plot";
import {html} from "htl";
import type {EvalLine, StepMetrics} from "../lib/train/trainer.js";
import type {BatchView} from "../lib/train/workerProtocol.js";
import {imageCanvas} from "./imageCanvas.js";

/** One evaluation of a run: its step and its DataComp lines. */
export interface StepEvaluation {
  readonly step: number;
  readonly lines: readonly EvalLine[];
}

/** The loss terms per step; an imported run's total is drawn beside them as a dashed ghost. */
export function lossChart(curves: readonly StepMetrics[], imported: {name: string; curves: readonly StepMetrics[]} | null): SVGElement | HTMLElement {
  const rows = curves.flatMap((m) => [
    {step: m.step, term: "total", value: m.total},
    {step: m.step, term: "contrastive", value: m.contrastive},
    ...(m.distill === null ? [] : [{step: m.step, term: "distillation", value: m.distill}])
  ]);
  const ghost = imported ? imported.curves.map((m) => ({step: m.step, value: m.total})) : [];
  return Plot.plot({
    height: 260,
    x: {label: "step"},
    y: {label: "loss", grid: true},
    color: {legend: true, domain: ["total", "contrastive", "distillation"]},
    marks: [
      Plot.line(ghost, {x: "step", y: "value", stroke: "#aaa", strokeDasharray: "3,3", tip: true, title: () => `imported: ${imported?.name}`}),
      Plot.line(rows, {x: "step", y: "value", stroke: "term"}),
      Plot.ruleY([0])
    ]
  });
}

/** The loss weights each step actually used (they move live). */
export function weightsChart(curves: readonly StepMetrics[]): SVGElement | HTMLElement {
  return Plot.plot({
    height: 110,
    x: {label: "step"},
    y: {label: "weight", domain: [0, 1]},
    color: {legend: true, domain: ["w_c", "w_d"], range: ["#4269d0", "#ff725c"]},
    marks: [
      Plot.lineY(curves.flatMap((m) => [{step: m.step, w: "w_c", value: m.contrastiveWeight}, {step: m.step, w: "w_d", value: m.distillWeight}]), {x: "step", y: "value", stroke: "w", curve: "step-after"})
    ]
  });
}

/** Every suite's main metric over the run's evaluations. */
export function evalChart(evaluations: readonly StepEvaluation[]): SVGElement | HTMLElement {
  const rows = evaluations.flatMap((e) => e.lines.map((l) => ({step: e.step, suite: l.key, value: l.metrics.main_metric})));
  if (rows.length === 0) return html`<p class="muted">No evaluation yet.</p>`;
  return Plot.plot({height: 260, x: {label: "step"}, y: {label: "main metric", domain: [0, 1], grid: true}, color: {legend: true}, marks: [Plot.line(rows, {x: "step", y: "value", stroke: "suite", marker: "dot", tip: true})]});
}

/** One evaluation as a table; each row carries its suite key and value as data. */
export function evalTable(evaluation: StepEvaluation): HTMLElement {
  return html`<table class="eval-table" data-step=${evaluation.step}><caption style="text-align:left">Latest evaluation, step ${evaluation.step}</caption>
  <thead><tr><th>suite</th><th>dataset</th><th>main metric</th></tr></thead>
  <tbody>${evaluation.lines.map((l) => html`<tr data-key=${l.key} data-value=${l.metrics.main_metric}><td>${l.key}</td><td>${l.dataset}</td><td>${Number(l.metrics.main_metric).toFixed(3)}</td></tr>`)}</tbody></table>`;
}

export function throughputChart(curves: readonly StepMetrics[]): SVGElement | HTMLElement {
  return Plot.plot({height: 140, x: {label: "step"}, y: {label: "images/s", grid: true}, marks: [Plot.line(curves, {x: "step", y: "imagesPerSecond"})]});
}

/** The student's and the stored teachers' image–caption cosines of the batch, and its scenes. */
export function batchPanel(view: BatchView | null): HTMLElement {
  if (view === null) return html`<p class="muted">Take a step to see a batch.</p>`;
  const cells = (matrix: Float32Array) => Array.from(matrix, (value, k) => ({image: Math.floor(k / view.n), caption: k % view.n, value}));
  const matrixPlot = (matrix: Float32Array, title: string) =>
    Plot.plot({
      title, width: 260, height: 260, padding: 0.05,
      x: {label: "caption →"}, y: {label: "↓ image"},
      color: {scheme: "viridis", domain: [-0.2, 1], legend: true, label: "cosine"},
      marks: [Plot.cell(cells(matrix), {x: "caption", y: "image", fill: "value", tip: true})]
    });
  return html`<div><div style="display:flex;gap:24px;flex-wrap:wrap" class="similarity-matrices">
  ${matrixPlot(view.student, `student, step ${view.step}`)}
  ${view.teacher ? matrixPlot(view.teacher, "teachers (stored)") : ""}
</div>
<div style="display:flex;gap:8px;flex-wrap:wrap;margin-top:8px" class="scene-strip">
  ${view.batch.captions.map((c, i) => html`<figure style="margin:0;width:136px">${imageCanvas(view.batch.images, i)}<figcaption style="font-size:11px">${i}: ${c}</figcaption></figure>`)}
</div></div>`;
}

/** The last few steps, newest first, each row's values as data. */
export function stepLog(curves: readonly StepMetrics[], rows = 8): HTMLElement {
  return html`<table class="step-log"><thead><tr><th>step</th><th>w_c</th><th>w_d</th><th>total</th><th>contrastive</th><th>distillation</th><th>lr</th><th>grad norm</th></tr></thead>
<tbody>${curves.slice(-rows).reverse().map((m) => html`<tr data-step=${m.step} data-wc=${m.contrastiveWeight} data-wd=${m.distillWeight} data-total=${m.total} data-contrastive=${m.contrastive} data-distill=${m.distill ?? ""}>
<td>${m.step}</td><td>${m.contrastiveWeight}</td><td>${m.distillWeight}</td><td>${m.total.toFixed(4)}</td><td>${m.contrastive.toFixed(4)}</td><td>${m.distill?.toFixed(4) ?? "–"}</td><td>${m.learningRate.toExponential(2)}</td><td>${m.gradNorm.toFixed(3)}</td></tr>`)}</tbody></table>`;
}

import * as Plot from "@observablehq/plot";
import {html} from "htl";
import type {ClaimCheck, PosterTable} from "../lib/rq/posterRq1.js";

const WEIGHT_TICKS = [0, 0.25, 0.5, 0.75, 1];

/**
 * Each of the poster's metrics against the distillation weight w_d, one small chart per metric
 * with its own scale: the best value ringed, the models selected in the table drawn larger.
 */
export function posterMetricCharts(table: PosterTable, selected: readonly string[]): HTMLElement {
  return html`<div class="rq-poster-chart" style="display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:0.75rem">
    ${table.metrics.map(({key, label}) => {
      const cells = table.rows.map((r) => ({model: r.model, distillWeight: r.distillWeight, value: r.values[key], selected: selected.includes(r.model)}));
      const best = Math.max(...cells.map((c) => c.value));
      const chart = Plot.plot({
        width: 240,
        height: 170,
        marginLeft: 40,
        x: {label: "w_d →", domain: [0, 1], ticks: WEIGHT_TICKS, tickFormat: String},
        y: {label: null, grid: true, nice: true},
        marks: [
          Plot.line(cells, {x: "distillWeight", y: "value", stroke: "var(--theme-foreground-faint)"}),
          Plot.dot(cells, {x: "distillWeight", y: "value", r: (d) => (d.selected ? 6 : 3.5), fill: "currentColor", tip: true, channels: {model: "model"}}),
          Plot.dot(cells.filter((d) => d.value === best), {x: "distillWeight", y: "value", r: 9, stroke: "var(--theme-foreground-focus)", strokeWidth: 2})
        ]
      });
      return html`<figure style="margin:0" data-metric=${key}><div style="font:600 12px var(--sans-serif)">${label}</div>${chart}</figure>`;
    })}
  </div>`;
}

/** The relative gain of one weighting over contrastive-only, per metric, with the claimed band shaded. */
export function posterGainChart(check: ClaimCheck, {claim = 0.1, tolerance = 0.02} = {}, width: number): SVGSVGElement | HTMLElement {
  const rows = check.gains.map((g) => ({metric: g.metric.label, gain: 100 * g.relative}));
  return Plot.plot({
    width,
    height: 40 + 28 * rows.length,
    marginLeft: 110,
    x: {label: `gain over contrastive-only (%) →`, grid: true},
    y: {label: null, domain: rows.map((r) => r.metric)},
    marks: [
      Plot.rectX([0], {x1: 100 * (claim - tolerance), x2: 100 * (claim + tolerance), fill: "var(--theme-foreground-focus)", fillOpacity: 0.12}),
      Plot.ruleX([100 * claim], {stroke: "var(--theme-foreground-focus)", strokeDasharray: "4,3"}),
      Plot.barX(rows, {y: "metric", x: "gain", fill: (d: {gain: number}) => (d.gain >= 0 ? "var(--theme-green)" : "var(--theme-red)"), tip: true}),
      Plot.text(rows, {y: "metric", x: "gain", text: (d: {gain: number}) => `${d.gain >= 0 ? "+" : "−"}${Math.abs(d.gain).toFixed(1)}%`, textAnchor: "start", dx: 4, fontSize: 10}),
      Plot.ruleX([0])
    ]
  });
}

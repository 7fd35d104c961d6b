import * as Plot from "@observablehq/plot";
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {resize} from "observablehq:stdlib";
import type {CostPoint} from "../lib/method/scanCosts.js";

/** Milliseconds per forward pass against sequence length, log–log; the points in `data-points`. */
export function costChart(costs: readonly CostPoint[]): HTMLElement {
  return html`<div class="method-costs" data-points=${JSON.stringify(costs)}>${resize((width) => Plot.plot({
    width,
    height: 260,
    x: {type: "log", base: 2, label: "sequence length L →"},
    y: {type: "log", label: "↑ ms per forward pass", grid: true},
    color: {legend: true},
    marks: [
      Plot.line(costs, {x: "length", y: "ms", stroke: "op", marker: "dot"}),
      Plot.text(costs, {x: "length", y: "ms", text: (d: CostPoint) => d.ms.toFixed(1), stroke: "white", fill: "op", dy: -8, fontSize: 9})
    ]
  }))}</div>`;
}

/** What each layer holds at each length: attention's L² weights per head against the scan's fixed state. */
export function memoryTable(lengths: readonly number[], state: number): HTMLElement {
  return Inputs.table(
    lengths.map((L) => ({"length L": L, "attention weights held (L² per head)": L * L, "scan state carried (N per channel)": state})),
    {layout: "auto", select: false}
  );
}

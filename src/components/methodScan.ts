import * as Plot from "@observablehq/plot";
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {resize} from "observablehq:stdlib";
import type {ScanDemo} from "../lib/method/scanDemo.js";

/**
 * The scan's state h_l[n] as a heat map over positions, then its input and output; the exact
 * numbers ride along in data-* attributes, so a test can recompute them with the library.
 */
export function scanChart(scan: ScanDemo): HTMLElement {
  const {x} = scan.inputs;
  const cells = scan.states.flatMap((row, l) => row.map((h, n) => ({position: l + 1, state: `h[${n + 1}]`, h})));
  const hMax = Math.max(1e-9, ...cells.map((c) => Math.abs(c.h)));
  return html`<div class="method-scan" data-delta=${scan.inputs.delta} data-inputs=${JSON.stringify(scan.inputs)} data-states=${JSON.stringify(scan.states)} data-y=${JSON.stringify(scan.y)}>${resize((width) => Plot.plot({
    width,
    height: 190,
    marginLeft: 50,
    x: {label: "position l →", tickFormat: (l: number) => String(l)},
    y: {label: null},
    color: {type: "diverging", scheme: "rdbu", domain: [-hMax, hMax], legend: true, label: "h_l[n]"},
    marks: [
      Plot.cell(cells, {x: "position", y: "state", fill: "h", inset: 0.5, tip: true}),
      Plot.text(cells, {x: "position", y: "state", text: (c: {h: number}) => c.h.toFixed(2), fontSize: 9, stroke: "white", strokeWidth: 2, fill: "black"})
    ]
  }))}
  ${resize((width) => Plot.plot({
    width,
    height: 150,
    marginLeft: 50,
    x: {label: "position l →", domain: [0.5, x.length + 0.5], ticks: x.length},
    y: {label: "value", grid: true},
    color: {legend: true, domain: ["input x_l", "output y_l = Σ h_l[n]"]},
    marks: [
      Plot.ruleY([0]),
      Plot.rectY(x.map((value, l) => ({position: l + 1, x: value})), {x1: (d: {position: number}) => d.position - 0.35, x2: (d: {position: number}) => d.position + 0.35, y: "x", fill: () => "input x_l"}),
      Plot.line(scan.y.map((y, l) => ({position: l + 1, y})), {x: "position", y: "y", stroke: () => "output y_l = Σ h_l[n]", marker: "dot"})
    ]
  }))}</div>`;
}

const fixed3 = (v: number) => v.toFixed(3);

/**
 * What is left of the first token: its share of each h[n] after 8 steps, read off the scan
 * itself (in the page's sequence the first token is alone in the state until position 9).
 */
export function scanStateTable(scan: ScanDemo): HTMLElement {
  return Inputs.table(
    scan.inputs.A.map((a, n) => ({
      state: `h[${n + 1}]`,
      A_n: a,
      "kept per step": scan.states[1][n] / scan.states[0][n],
      "first token written (Δ·B·x_1)": scan.states[0][n],
      "left of it at position 8": scan.states[7][n]
    })),
    {layout: "auto", select: false, format: {"kept per step": fixed3, "first token written (Δ·B·x_1)": fixed3, "left of it at position 8": fixed3}}
  );
}

import * as Plot from "@observablehq/plot";
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import type {BackendProbe} from "../lib/runtime/backendSelection.js";
import type {BackendBench} from "../lib/runtime/deviceBench.js";

/** What each backend's probe found: available or not, on real hardware or a software rasteriser. */
export function probeTable(probes: readonly BackendProbe[]): HTMLElement {
  return Inputs.table(
    probes.map((p) => ({backend: p.name, available: p.available ? "yes" : "no", hardware: p.available ? (p.hardware ? "real" : "software") : "", detail: p.detail})),
    {layout: "auto", select: false}
  );
}

/** Matmul throughput per backend, fastest first, coloured by real or software hardware. */
export function benchChart(rows: readonly BackendBench[]): SVGSVGElement | HTMLElement {
  return Plot.plot({
    marginLeft: 70,
    x: {label: "matmul 256×256, GFLOP/s →", grid: true},
    y: {label: null},
    marks: [Plot.barX(rows, {y: "backend", x: "gflops", fill: "kind", sort: {y: "-x"}, tip: true}), Plot.ruleX([0])],
    color: {legend: true, domain: ["real", "software"]}
  });
}

/**
 * Every figure per backend; each row carries its backend and agreement values in data-*
 * attributes (the page's test compares them, and `npm run bench:device` reads the cells in this order).
 */
export function benchTable(rows: readonly BackendBench[]): HTMLElement {
  return html`<table class="device-bench">
  <thead><tr><th>backend</th><th>hardware</th><th>matmul GFLOP/s</th><th>matmul ms</th><th>round trip ms</th><th>max |Δ| vs cpu</th></tr></thead>
  <tbody>${rows.map((r) => html`<tr data-backend=${r.backend} data-values=${JSON.stringify(r.values)}>
    <td>${r.backend}</td><td>${r.kind}</td><td>${r.gflops.toFixed(2)}</td><td>${r.matmulMs.toFixed(1)}</td>
    <td>${r.roundTripMs.toFixed(3)}</td><td>${r.maxDiff.toExponential(1)}</td></tr>`)}</tbody>
</table>`;
}

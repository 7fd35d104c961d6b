import * as Plot from "@observablehq/plot";
import {html} from "htl";

export interface MatrixChartOptions {
  /** Names the figure for scripts and tests (`data-name`). */
  readonly name: string;
  readonly title: string;
  readonly x: string;
  readonly y: string;
  /** Diverging colours around 0 (gradients), else sequential (probabilities, similarities). */
  readonly diverging?: boolean;
  readonly digits?: number;
  readonly width?: number;
  /** The number of the first column in the axis labels (rows start at 1); default 1. */
  readonly firstIndex?: number;
}

/**
 * A matrix as a heat map with its values printed in the cells; the exact numbers ride along in
 * `data-values` (JSON) so a test can compare them with the library's.
 */
export function matrixChart(matrix: readonly (readonly number[])[], options: MatrixChartOptions): HTMLElement {
  const {digits = 2, diverging = false, firstIndex = 1} = options;
  const cells = matrix.flatMap((row, i) => row.map((value, j) => ({i, j, value})));
  const extent = Math.max(1e-12, ...cells.map((c) => Math.abs(c.value)));
  const cols = matrix[0]?.length ?? 0;
  const chart = Plot.plot({
    width: options.width ?? Math.min(360, 60 + cols * 34),
    height: 50 + matrix.length * 28,
    marginLeft: 40,
    padding: 0.04,
    x: {label: options.x, axis: "top", tickFormat: (j: number) => String(j + firstIndex)},
    y: {label: options.y, tickFormat: (i: number) => String(i + 1)},
    color: diverging ? {type: "diverging", scheme: "rdbu", domain: [-extent, extent]} : {scheme: "blues"},
    marks: [
      Plot.cell(cells, {x: "j", y: "i", fill: "value", inset: 0.5}),
      Plot.text(cells, {x: "j", y: "i", text: (c: {value: number}) => c.value.toFixed(digits), fontSize: 9, fill: "black", stroke: "white", strokeWidth: 2})
    ]
  });
  return html`<figure class="method-matrix" data-name=${options.name} data-values=${JSON.stringify(matrix)} style="display:inline-block;margin:0 1rem 1rem 0;vertical-align:top">
    <figcaption style="font-size:13px">${options.title}</figcaption>${chart}</figure>`;
}

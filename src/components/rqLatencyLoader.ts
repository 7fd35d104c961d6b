import {html} from "htl";
import {blobUrl} from "./blobUrl.js";
import {LATENCY_COLUMNS, LATENCY_TEMPLATE_CSV, parseLatencyMeasurements, type LoadedLatencyPoint} from "../lib/rq/latencyMeasurements.js";

/** The RQ2 page's loaded measurements: the file they came from, or why the latest file was refused. */
export interface LoadedLatency {
  readonly file: string | null;
  readonly points: readonly LoadedLatencyPoint[];
  readonly error: string | null;
}

export const NO_MEASUREMENTS: LoadedLatency = {file: null, points: [], error: null};

/** Reads one chosen file; a refused file keeps the measurements already loaded. */
export async function loadLatencyFile(current: LoadedLatency, file: File): Promise<LoadedLatency> {
  try {
    return {file: file.name, points: parseLatencyMeasurements(await file.text(), file.name), error: null};
  } catch (e) {
    return {...current, error: (e as Error).message};
  }
}

/** The accepted columns, a template to download, and the file input. */
export function latencyFileInput(onFile: (file: File) => void, invalidation: Promise<unknown>): HTMLElement {
  const input = html`<input type="file" accept=".csv,.json,text/csv,application/json" class="rq-latency-file">` as HTMLInputElement;
  input.addEventListener("change", () => {
    if (input.files?.[0]) onFile(input.files[0]);
    input.value = "";
  });
  const href = blobUrl(LATENCY_TEMPLATE_CSV, "text/csv", invalidation);
  return html`<div class="rq-latency-loader">
    <table class="rq-latency-columns" style="max-width:none"><thead><tr><th>column</th><th>required</th><th>meaning</th></tr></thead>
      <tbody>${LATENCY_COLUMNS.map((c) => html`<tr data-column=${c.name}><td><code>${c.name}</code></td><td>${c.required ? "yes" : ""}</td><td>${c.meaning}</td></tr>`)}</tbody></table>
    <p><a class="rq-latency-template" download="latency-template.csv" href=${href}>Download a template (CSV)</a> · a JSON array of objects with the same fields works too.</p>
    <p>Your measurements: ${input}</p>
  </div>`;
}

/** Every loaded setting: its median and the passes behind it. */
export function loadedLatencyTable(points: readonly LoadedLatencyPoint[]): HTMLElement {
  return html`<table class="rq-loaded-latency" style="max-width:none">
    <thead><tr><th>device</th><th style="text-align:right">batch</th><th style="text-align:right">image</th><th style="text-align:right">tokens</th><th>encoder</th><th style="text-align:right">median ms</th><th>passes (ms)</th></tr></thead>
    <tbody>${points.map((p) => html`<tr data-encoder=${p.encoder} data-batch=${p.batch} data-tokens=${p.tokens} data-median=${p.medianMs}>
      <td>${p.backend}</td><td style="text-align:right">${p.batch}</td><td style="text-align:right">${p.imageSize === null ? "" : `${p.imageSize}²`}</td>
      <td style="text-align:right">${p.tokens.toLocaleString("en-US")}</td><td>${p.encoder}</td><td style="text-align:right">${p.medianMs.toFixed(2)}</td><td>${p.timesMs.join(", ")}</td></tr>`)}</tbody>
  </table>`;
}

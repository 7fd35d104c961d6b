import * as Plot from "@observablehq/plot";
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {resize} from "observablehq:stdlib";
import type {ReinforcedSample} from "../lib/method/reinforcedSample.js";
import {imageCanvas} from "./imageCanvas.js";
import {matrixChart} from "./methodCharts.js";

/**
 * The scene as drawn, its stored augmentations and its captions; which sample it is and the
 * teachers' cosines ride along in data-* attributes.
 */
export function sampleView(sample: ReinforcedSample): HTMLElement {
  return html`<div class="method-sample" data-seed=${sample.seed} data-shard=${sample.shard} data-index=${sample.index} data-cosines=${JSON.stringify(sample.cosines)}>
    <p>Sample ${sample.index} of <code>${sample.shard}</code> (scene seed ${sample.seed}): the scene as drawn, then its
    ${sample.augmentations.length} stored augmentations.</p>
    <div style="display:flex;gap:8px;flex-wrap:wrap">${Array.from({length: sample.images.count}, (_, i) =>
      html`<figure style="margin:0;text-align:center">${imageCanvas(sample.images, i, 2)}<figcaption style="font-size:11px">${i === 0 ? "scene" : `view ${i}`}</figcaption></figure>`)}</div>
    <ol start="0" style="font-size:14px">${sample.captions.map((c, k) => html`<li>${k === 0 ? html`<b>${c}</b> (ground truth)` : c}</li>`)}</ol>
  </div>`;
}

const fixed3 = (v: number) => v.toFixed(3);

/** Each stored augmentation's parameters: the crop box, the flip and the colour factors. */
export function augmentationTable(sample: ReinforcedSample): HTMLElement {
  return Inputs.table(
    sample.augmentations.map((a, k) => ({
      view: k + 1,
      "crop [y, x, h, w]": a.crop.map((v) => v.toFixed(2)).join(", "),
      flip: a.flip ? "yes" : "no",
      brightness: a.brightness,
      contrast: a.contrast,
      saturation: a.saturation
    })),
    {layout: "auto", select: false, format: {brightness: fixed3, contrast: fixed3, saturation: fixed3}}
  );
}

/** Per teacher, the cosine of each stored view's embedding with each caption's. */
export function cosineCharts(sample: ReinforcedSample): HTMLElement {
  return html`<div>${sample.cosines.map(({teacher, values}) =>
    matrixChart(values, {name: `cosines-${teacher}`, title: `teacher ${teacher}: view × caption cosine`, x: "caption (0 = ground truth)", y: "view", digits: 2, width: 320, firstIndex: 0}))}</div>`;
}

/** The stored embedding rows themselves, one per view and per caption, across every dimension. */
export function embeddingRowsChart(sample: ReinforcedSample): HTMLElement {
  const {manifest} = sample;
  const labelled = [
    ...sample.imageEmb.map((row, k) => ({row, label: `view ${k + 1}`})),
    ...sample.textEmb.map((row, k) => ({row, label: k === 0 ? "caption 0 (gt)" : `caption ${k}`}))
  ];
  const cells = labelled.flatMap(({row, label}) => row.map((value, d) => ({label, d, value})));
  return resize((width) => Plot.plot({
    width,
    height: 40 + 14 * labelled.length,
    marginLeft: 80,
    x: {label: `embedding dimension (${manifest.teachers.map((t) => `${t.name}: ${t.dim}`).join(", ")}) →`, ticks: Array.from({length: Math.ceil(manifest.embedDim / 16)}, (_, k) => 16 * k)},
    y: {label: null},
    color: {type: "diverging", scheme: "rdbu"},
    marks: [Plot.cell(cells, {x: "d", y: "label", fill: "value", inset: 0})]
  }));
}

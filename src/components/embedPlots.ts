import * as d3 from "d3";
import * as Plot from "@observablehq/plot";
import {html} from "htl";
import {CLASSES, className} from "../lib/data/classes.js";
import type {ProbeSet} from "../lib/embed/probeSet.js";
import type {Hit} from "../lib/embed/nearest.js";
import {imageCanvas} from "./imageCanvas.js";

export type Modality = "image" | "caption";

/** One probe scene's image or caption at its 2-D position. */
export interface ScatterPoint {
  x: number;
  y: number;
  index: number;
  kind: Modality;
  cls: string;
  group: "digit" | "clothing";
  caption: string;
}

// Twenty classes, ten colours: a digit and a garment share a colour and differ in shape.
const CLASS_NAMES = CLASSES.map((c) => className(c.id));
const COLOURS = CLASSES.map((c) => d3.schemeTableau10[c.id % 10]);
const groupOf = (classId: number) => (CLASSES[classId].source === "digits" ? "digit" : "clothing");

/** Probe rows laid out in 2-D: `xy` holds the images' positions, then the captions'. */
export function scatterPoints(probe: ProbeSet, xy: ArrayLike<number>): ScatterPoint[] {
  return [...(["image", "caption"] as const)].flatMap((kind, block) =>
    Array.from({length: probe.count}, (_, index) => {
      const row = block * probe.count + index;
      const classId = probe.classIds[index];
      return {x: xy[2 * row], y: xy[2 * row + 1], index, kind, cls: className(classId), group: groupOf(classId), caption: probe.captions[index]};
    })
  );
}

/**
 * Images as filled marks, captions as hollow ones, coloured by class; a tip names the scene under
 * the pointer and `onHover` receives it (for the scene panel).
 */
export function embeddingScatter(
  points: ScatterPoint[],
  options: {title: string; subtitle?: string; space: string; step?: number; width?: number; onHover?: (p: ScatterPoint) => void}
): HTMLElement {
  const shape = {symbol: "group", x: "x", y: "y", r: 3} as const;
  const width = options.width ?? 300;
  const figure = Plot.plot({
    title: options.title,
    subtitle: options.subtitle,
    width,
    height: width,
    inset: 8,
    x: {label: null, ticks: 0},
    y: {label: null, ticks: 0},
    color: {domain: CLASS_NAMES, range: COLOURS},
    symbol: {domain: ["digit", "clothing"], range: ["circle", "square"]},
    marks: [
      Plot.frame({stroke: "var(--theme-foreground-faintest)"}),
      Plot.dot(points.filter((p) => p.kind === "caption"), {...shape, stroke: "cls", fill: "none", strokeWidth: 1.2}),
      Plot.dot(points.filter((p) => p.kind === "image"), {...shape, fill: "cls", stroke: "var(--theme-background)", strokeWidth: 0.5}),
      Plot.tip(points, Plot.pointer({x: "x", y: "y", title: (p: ScatterPoint) => `${p.kind} · ${p.cls}\n${p.caption}`}))
    ]
  }) as HTMLElement & {value?: ScatterPoint | null};
  // The pointer leaving the plot (on its way to the scene panel) clears the value: keep the last scene.
  if (options.onHover) figure.addEventListener("input", () => figure.value && options.onHover!(figure.value));
  const imagesPerClass: Record<string, number> = {};
  for (const p of points) if (p.kind === "image") imagesPerClass[p.cls] = (imagesPerClass[p.cls] ?? 0) + 1;
  return html`<div class="embedding-plot" style=${`width:${width}px`} data-space=${options.space} data-step=${options.step ?? ""} data-points=${points.length} data-images-per-class=${JSON.stringify(imagesPerClass)}>${figure}</div>`;
}

/** Which colour and shape each class has; filled = image, hollow = caption. */
export function classLegend(): HTMLElement {
  const swatch = (id: number, kind: Modality) => {
    const round = CLASSES[id].source === "digits";
    const colour = COLOURS[id];
    const style = `display:inline-block;width:9px;height:9px;margin-right:3px;border-radius:${round ? "50%" : "1px"};${kind === "image" ? `background:${colour}` : `border:1.5px solid ${colour}`}`;
    return html`<span style=${style}></span>`;
  };
  const row = (ids: number[]) => html`<div>${ids.map((id) => html`<span style="margin-right:10px;white-space:nowrap">${swatch(id, "image")}${CLASS_NAMES[id]}</span>`)}</div>`;
  return html`<div class="class-legend" style="font-size:12px;line-height:1.8">
    ${row(CLASSES.filter((c) => c.source === "digits").map((c) => c.id))}
    ${row(CLASSES.filter((c) => c.source !== "digits").map((c) => c.id))}
    <div class="muted">${swatch(0, "image")} image (filled) &nbsp; ${swatch(0, "caption")} caption (hollow) &nbsp; ● digit &nbsp; ■ clothing</div>
  </div>`;
}

/** The scene behind a point: its image (the stored augmentation the teachers embedded) and caption; null before any. */
export function sceneCard(probe: ProbeSet, point: ScatterPoint | null): HTMLElement {
  if (!point) return html`<div class="scene-card muted" style="font-size:13px">Point at a dot to see its scene and caption.</div>`;
  return html`<div class="scene-card" data-index=${point.index} style="font-size:13px">
    ${imageCanvas(probe.images, point.index, 2)}
    <div><b>${point.cls}</b> · ${point.kind === "image" ? "image" : "caption"} #${point.index}</div>
    <div>${point.caption}</div>
  </div>`;
}

/** The hits of a caption search as thumbnails, best first, each with its cosine and caption. */
export function hitStrip(probe: ProbeSet, hits: readonly Hit[], who: string): HTMLElement {
  return html`<div class="search-hits" data-who=${who} style="display:flex;gap:8px;flex-wrap:wrap">
    ${hits.map(
      (h, rank) => html`<figure class="search-hit" data-index=${h.index} data-score=${h.score} style="margin:0;width:132px;font-size:11px">
        ${imageCanvas(probe.images, h.index, 2)}
        <figcaption><b>${rank + 1}.</b> ${h.score.toFixed(3)} · ${className(probe.classIds[h.index])}<br>${probe.captions[h.index]}</figcaption>
      </figure>`
    )}
  </div>`;
}

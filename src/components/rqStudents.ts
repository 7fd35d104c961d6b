import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import type {PosterClaim} from "../lib/rq/posterRq2.js";
import type {ClaimComparison} from "../lib/rq/rq2Claims.js";
import type {StudentScores} from "../lib/rq/studentComparison.js";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "" : (100 * x).toFixed(1));
const signed = (x: number | null | undefined) => (x === null || x === undefined ? "" : `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}`);
const right = "text-align:right";

/** The poster's RQ2 claims as its table states them. */
export function posterClaimsTable(claims: readonly PosterClaim[]): HTMLElement {
  return Inputs.table(claims.map((c) => ({claim: c.claim, value: c.value, unit: c.unit, "compared to": c.comparedTo, note: c.note})), {layout: "auto", select: false});
}

/** Per score: each student's mean over seeds (%), and Vim − ViT in points with its 95% interval. */
export function studentScoresTable(scores: readonly StudentScores[]): HTMLElement {
  return html`<table class="rq-students" style="max-width:none"><thead><tr><th>score</th><th style=${right}>Vim</th><th style=${right}>ViT</th><th style=${right}>Vim − ViT</th><th style=${right}>95% interval</th></tr></thead>
    <tbody>${scores.map((s) => html`<tr data-metric=${s.metric.key}><td>${s.metric.label}</td><td style=${right}>${pct(s.vim?.mean)}</td><td style=${right}>${pct(s.vit?.mean)}</td>
      <td style=${right}>${signed(s.difference?.mean)}</td><td style=${right}>${s.difference && s.difference.low !== null ? `${signed(s.difference.low)} … ${signed(s.difference.high)}` : ""}</td></tr>`)}</tbody></table>`;
}

/** Each accuracy claim of the poster beside our Vim − ViT on the scores standing in for it. */
export function claimsTable(comparisons: readonly ClaimComparison[]): HTMLElement {
  return html`<table class="rq-claims" style="max-width:none"><thead><tr><th>poster</th><th style=${right}>poster, Mamba − MobileCLIP</th><th>our stand-in</th><th style=${right}>ours, Vim − ViT (points)</th><th style=${right}>relative</th></tr></thead>
    <tbody>${comparisons.flatMap((c) => c.ours.map((o) => html`<tr><td>${c.claim.claim}</td><td style=${right}>${c.posterPercent > 0 ? "+" : ""}${c.posterPercent}%</td>
      <td>${o.metric.label} (${c.metric})</td><td style=${right}>${signed(o.difference?.mean)}</td><td style=${right}>${o.difference ? `${signed(o.difference.relative)}%` : ""}</td></tr>`))}</tbody></table>`;
}

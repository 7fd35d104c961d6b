import {html} from "htl";
import type {LossDemo, LossDemoSettings} from "../lib/method/lossDemo.js";
import {matrixChart} from "./methodCharts.js";

/** The batch's ground-truth captions in batch order; the samples' indices in `data-indices`. */
export function batchCaptions(indices: readonly number[], captions: readonly (readonly string[])[]): HTMLElement {
  return html`<ol class="method-batch" data-indices=${JSON.stringify(indices)}>${indices.map((i) => html`<li>${captions[i][0]}</li>`)}</ol>`;
}

/**
 * Both loss terms and their weighted sum, the teachers' targets and the student's logits and
 * softmax; the settings, the stand-in student and the losses ride along in data-* attributes.
 */
export function lossPanel(loss: LossDemo, settings: Omit<LossDemoSettings, "seed">): HTMLElement {
  const {contrastive, distill, total} = loss.losses;
  return html`<div class="method-losses" data-settings=${JSON.stringify(settings)} data-student=${JSON.stringify(loss.student)} data-losses=${JSON.stringify(loss.losses)}>
    <p>L<sub>contrastive</sub> = <b class="method-loss-c">${contrastive.toFixed(4)}</b>,
    L<sub>distill</sub> = <b class="method-loss-d">${distill.toFixed(4)}</b>,
    L = ${settings.contrastiveWeight.toFixed(2)} × ${contrastive.toFixed(4)} + ${(1 - settings.contrastiveWeight).toFixed(2)} × ${distill.toFixed(4)}
    = <b class="method-loss-total">${total.toFixed(4)}</b></p>
    ${matrixChart(loss.teacherProbs, {name: "teacher-probs", title: "teachers' targets P (row softmax at t, averaged)", x: "caption", y: "image"})}
    ${matrixChart(loss.studentLogits, {name: "student-logits", title: "student logits s · u vᵀ", x: "caption", y: "image", digits: 1})}
    ${matrixChart(loss.studentProbs, {name: "student-probs", title: "student Q = row softmax", x: "caption", y: "image"})}
  </div>`;
}

/** The gradient of each term with respect to the student's logits, and of their weighted sum. */
export function gradientPanel(loss: LossDemo, contrastiveWeight: number): HTMLElement {
  const grad = (values: number[][], name: string, title: string) => matrixChart(values, {name, title, x: "caption", y: "image", diverging: true, digits: 3});
  return html`<div>
    ${grad(loss.gradients.contrastive, "grad-contrastive", "∂L_contrastive / ∂logits")}
    ${grad(loss.gradients.distill, "grad-distill", "∂L_distill / ∂logits")}
    ${grad(loss.gradients.total, "grad-total", `w_c · first + w_d · second (w_c = ${contrastiveWeight.toFixed(2)})`)}
  </div>`;
}

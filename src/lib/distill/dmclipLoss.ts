import * as tf from "@tensorflow/tfjs";
import {contrastiveFromLogits} from "./clipLoss.js";
import {checkDistillInputs, distillFromLogits, teacherTargets, type DistillInputs} from "./distillLoss.js";
import {similarityLogits} from "./similarity.js";

/**
 * The two weights of L = w_c·L_clip + w_d·L_kd. Plain numbers, read afresh on every call, so a
 * slider can change them mid-training without rebuilding the model or resetting the optimizer.
 */
export interface LossWeights {
  contrastive: number;
  distill: number;
}

export interface DmclipLossInputs extends DistillInputs {
  weights: LossWeights;
}

/** The weighted total and both unweighted terms (for charts); the caller disposes all three. */
export interface DmclipLossTerms {
  total: tf.Scalar;
  contrastive: tf.Scalar;
  distill: tf.Scalar;
}

/**
 * DM-CLIP's objective w_c·clipLoss + w_d·distillLoss. Both terms share the student's logits and
 * are always returned; a term whose weight is 0 is left out of `total` (so weights (1, 0) give
 * exactly clipLoss, and a term never contributes NaN or gradient work it was not asked for).
 */
export function dmclipLoss(inputs: DmclipLossInputs): DmclipLossTerms {
  const weights = checkWeights(inputs.weights);
  const scales = checkDistillInputs(inputs);
  return tf.tidy(() => {
    const logits = similarityLogits(inputs.studentImage, inputs.studentText, inputs.logitScale);
    const contrastive = contrastiveFromLogits(logits);
    const distill = distillFromLogits(logits, teacherTargets(inputs.teacherImages, inputs.teacherTexts, scales));
    const weighted: tf.Scalar[] = [];
    if (weights.contrastive > 0) weighted.push(tf.mul(contrastive, weights.contrastive) as tf.Scalar);
    if (weights.distill > 0) weighted.push(tf.mul(distill, weights.distill) as tf.Scalar);
    const total = weighted.length === 1 ? weighted[0] : (tf.add(weighted[0], weighted[1]) as tf.Scalar);
    return {total, contrastive, distill};
  });
}

/** Both weights finite and ≥ 0, not both 0. Returns a copy, so a slider moving mid-call is harmless. */
export function checkWeights(weights: unknown): LossWeights {
  if (typeof weights !== "object" || weights === null) {
    throw new Error("weights must be an object {contrastive, distill} of numbers ≥ 0");
  }
  const w = weights as Record<string, unknown>;
  for (const key of ["contrastive", "distill"]) {
    const value = w[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new Error(`weights.${key} must be a finite number ≥ 0, got ${String(value)}`);
    }
  }
  const checked = {contrastive: w.contrastive as number, distill: w.distill as number};
  if (checked.contrastive === 0 && checked.distill === 0) {
    throw new Error("weights.contrastive and weights.distill are both 0: at least one must be > 0");
  }
  return checked;
}

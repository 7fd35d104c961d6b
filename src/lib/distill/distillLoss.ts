import * as tf from "@tensorflow/tfjs";
import {checkLogitScale, checkPositive, pairShape} from "./inputs.js";
import {similarityLogits, softCrossEntropy} from "./similarity.js";

/** MobileCLIP's fixed teacher scale (temperature 0.01), suited to its ViT-L/14 teachers. */
export const DEFAULT_TEACHER_SCALE = 100;

export interface DistillInputs {
  /** Student embeddings, L2-normalised [batch, dim]. */
  studentImage: tf.Tensor2D;
  studentText: tf.Tensor2D;
  /** The student's scale s (the multiplier, not log s). */
  logitScale: tf.Scalar;
  /** K teachers' L2-normalised embeddings of the same batch, [batch, teacherDim_k] each. */
  teacherImages: readonly tf.Tensor2D[];
  teacherTexts: readonly tf.Tensor2D[];
  /**
   * The fixed teacher scale t: one number for all teachers, or one per teacher (small teachers
   * each learn their own). Default 100, MobileCLIP's.
   */
  teacherScale?: number | readonly number[];
}

/** Row-stochastic teacher targets in both directions, already averaged over the K teachers. */
export interface TeacherTargets {
  imageToText: tf.Tensor2D;
  textToImage: tf.Tensor2D;
}

/**
 * MobileCLIP's distillation term ½ [H(P_i2t, Q_i2t) + H(P_t2i, Q_t2i)], where the teacher targets
 * P = (1/K) Σ_k softmax_row(t_k · U^k V^kᵀ) (and its text→image twin) are averaged after the
 * softmax, and Q = softmax_row(s · u vᵀ) is the student's. H is the cross-entropy, i.e. the KL
 * divergence up to the teachers' constant entropy.
 */
export function distillLoss(inputs: DistillInputs): tf.Scalar {
  const scales = checkDistillInputs(inputs);
  return tf.tidy(() =>
    distillFromLogits(
      similarityLogits(inputs.studentImage, inputs.studentText, inputs.logitScale),
      teacherTargets(inputs.teacherImages, inputs.teacherTexts, scales)
    )
  );
}

/** The distillation term from the student's image→text logits and the teachers' targets. */
export function distillFromLogits(imageToText: tf.Tensor2D, targets: TeacherTargets): tf.Scalar {
  return tf.tidy(() => {
    const i2t = softCrossEntropy(targets.imageToText, imageToText);
    const t2i = softCrossEntropy(targets.textToImage, tf.transpose(imageToText));
    return tf.mul(tf.add(i2t, t2i), 0.5);
  });
}

/** P_i2t and P_t2i: each teacher's row softmaxes at its fixed scale, then the mean over teachers. */
export function teacherTargets(
  teacherImages: readonly tf.Tensor2D[],
  teacherTexts: readonly tf.Tensor2D[],
  scales: readonly number[]
): TeacherTargets {
  return tf.tidy(() => {
    const i2t: tf.Tensor2D[] = [];
    const t2i: tf.Tensor2D[] = [];
    teacherImages.forEach((images, k) => {
      const logits = similarityLogits(images, teacherTexts[k], scales[k]);
      i2t.push(tf.softmax(logits));
      t2i.push(tf.softmax(tf.transpose(logits)));
    });
    const mean = (probs: tf.Tensor2D[]) => tf.div(tf.addN(probs), probs.length) as tf.Tensor2D;
    return {imageToText: mean(i2t), textToImage: mean(t2i)};
  });
}

/** Validates every input of the distillation term; returns the per-teacher scales. */
export function checkDistillInputs(inputs: DistillInputs): number[] {
  if (typeof inputs !== "object" || inputs === null) throw new Error("distillLoss: inputs must be an object");
  const [batch] = pairShape("studentImage", inputs.studentImage, "studentText", inputs.studentText);
  checkLogitScale("logitScale", inputs.logitScale);
  checkTeachers(inputs.teacherImages, "teacherImages", inputs.teacherTexts, "teacherTexts", batch);
  return teacherScales(inputs.teacherScale ?? DEFAULT_TEACHER_SCALE, inputs.teacherImages.length);
}

/**
 * Checks two parallel lists of K ≥ 1 teacher embeddings: the same K, every tensor [batch, ·],
 * and teacher k's image and text embeddings of one width (widths may differ between teachers).
 */
export function checkTeachers(images: unknown, imagesName: string, texts: unknown, textsName: string, batch: number): void {
  if (!Array.isArray(images) || images.length === 0) {
    throw new Error(`${imagesName} must be a non-empty array of [batch, dim] tensors (one per teacher)`);
  }
  if (!Array.isArray(texts) || texts.length !== images.length) {
    const got = Array.isArray(texts) ? `${texts.length} entries` : typeof texts;
    throw new Error(`${textsName} must hold one tensor per teacher, like ${imagesName} (K = ${images.length}), got ${got}`);
  }
  images.forEach((image, k) => {
    const [b] = pairShape(`${imagesName}[${k}]`, image, `${textsName}[${k}]`, texts[k]);
    if (b !== batch) throw new Error(`${imagesName}[${k}] has batch ${b} but the student's batch is ${batch}: they must match`);
  });
}

function teacherScales(scale: unknown, k: number): number[] {
  if (Array.isArray(scale)) {
    if (scale.length !== k) throw new Error(`teacherScale must hold one scale per teacher (K = ${k}), got ${scale.length}`);
    return scale.map((s, i) => checkPositive(`teacherScale[${i}]`, s));
  }
  return new Array<number>(k).fill(checkPositive("teacherScale", scale));
}

import * as tf from "@tensorflow/tfjs";
import {contrastiveFromLogits} from "../distill/clipLoss.js";
import {distillFromLogits, teacherTargets} from "../distill/distillLoss.js";
import {dmclipLoss} from "../distill/dmclipLoss.js";
import {similarityLogits} from "../distill/similarity.js";
import {Rng} from "../random/rng.js";

/** A small batch as the reinforced set stores it: per teacher, b image and b caption embeddings. */
export interface TeacherBatch {
  /** [K][b][d_k], each row L2-normalised by its teacher. */
  readonly images: readonly number[][][];
  readonly texts: readonly number[][][];
  /** Each teacher's own logit scale t_k. */
  readonly scales: readonly number[];
}

export interface LossDemoSettings {
  /** w_c; w_d = 1 − w_c, as in the poster's four settings. */
  readonly contrastiveWeight: number;
  /** The student's logit scale s. */
  readonly studentScale: number;
  /** The teachers' scale t: each teacher's own (the batch's), or one number for all. */
  readonly teacherScale: "own" | number;
  /** 0: a random student; 1: the student's embeddings are the first teacher's. */
  readonly agreement: number;
  /** Seeds the random half of the student. */
  readonly seed: number;
}

export interface LossDemo {
  readonly student: {images: number[][]; texts: number[][]};
  /** The teachers' targets P (image→text), averaged after the softmax. */
  readonly teacherProbs: number[][];
  /** The student's logits s·u vᵀ and their row softmax Q. */
  readonly studentLogits: number[][];
  readonly studentProbs: number[][];
  readonly losses: {contrastive: number; distill: number; total: number};
  /** ∂L/∂(s·u vᵀ) of each term, and of the weighted total w_c·∂L_clip + w_d·∂L_kd. */
  readonly gradients: {contrastive: number[][]; distill: number[][]; total: number[][]};
}

/**
 * A stand-in student (this page trains nothing): each embedding is the first teacher's, blended
 * with a seeded random direction, `agreement` of the way, and re-normalised.
 */
export function blendedStudent(teacher: readonly number[][], agreement: number, rng: Rng): number[][] {
  return teacher.map((row) => {
    const mixed = row.map((v) => agreement * v + (1 - agreement) * rng.normal() / Math.sqrt(row.length));
    const norm = Math.hypot(...mixed);
    return mixed.map((v) => v / norm);
  });
}

/** Everything the loss section shows, computed by the library's loss functions on one batch. */
export async function lossDemo(batch: TeacherBatch, settings: LossDemoSettings): Promise<LossDemo> {
  const rng = new Rng(settings.seed);
  const student = {images: blendedStudent(batch.images[0], settings.agreement, rng), texts: blendedStudent(batch.texts[0], settings.agreement, rng)};
  const weights = {contrastive: settings.contrastiveWeight, distill: 1 - settings.contrastiveWeight};
  const teacherScale = settings.teacherScale === "own" ? [...batch.scales] : batch.scales.map(() => settings.teacherScale as number);
  const out = tf.tidy(() => {
    const u = tf.tensor2d(student.images);
    const v = tf.tensor2d(student.texts);
    const s = tf.scalar(settings.studentScale);
    const teacherImages = batch.images.map((e) => tf.tensor2d(e));
    const teacherTexts = batch.texts.map((e) => tf.tensor2d(e));
    const losses = dmclipLoss({studentImage: u, studentText: v, logitScale: s, teacherImages, teacherTexts, teacherScale, weights});
    const targets = teacherTargets(teacherImages, teacherTexts, teacherScale);
    const logits = similarityLogits(u, v, s);
    const gradC = tf.grad((l: tf.Tensor) => contrastiveFromLogits(l as tf.Tensor2D))(logits);
    const gradD = tf.grad((l: tf.Tensor) => distillFromLogits(l as tf.Tensor2D, targets))(logits);
    return {
      list: [targets.imageToText, logits, tf.softmax(logits), gradC, gradD, tf.addN([tf.mul(gradC, weights.contrastive), tf.mul(gradD, weights.distill)])],
      scalars: [losses.contrastive, losses.distill, losses.total]
    };
  });
  const matrices = await Promise.all(out.list.map((t) => t.array() as Promise<number[][]>));
  const [contrastive, distill, total] = await Promise.all(out.scalars.map(async (t) => (await t.data())[0]));
  tf.dispose([...out.list, ...out.scalars]);
  const [teacherProbs, studentLogits, studentProbs, gC, gD, gT] = matrices;
  return {
    student,
    teacherProbs,
    studentLogits,
    studentProbs,
    losses: {contrastive, distill, total},
    gradients: {contrastive: gC, distill: gD, total: gT}
  };
}

import * as tf from "@tensorflow/tfjs";
import {checkTeachers} from "./distillLoss.js";
import {dmclipLoss, type DmclipLossInputs, type DmclipLossTerms} from "./dmclipLoss.js";
import {pairShape} from "./inputs.js";

export interface DmclipLossDRInputs extends DmclipLossInputs {
  /** The student's embedding of one synthetic caption per image, [batch, dim]. */
  studentSyntheticText: tf.Tensor2D;
  /** Each teacher's embedding of that same synthetic caption, [batch, teacherDim_k]. */
  teacherSyntheticTexts: readonly tf.Tensor2D[];
}

/**
 * MobileCLIP's "DR" objective: the DM-CLIP loss computed once with the ground-truth captions and
 * once with one synthetic caption per image (the same images and image embeddings), summed.
 * Each returned term is the sum of its two halves.
 */
export function dmclipLossDR(inputs: DmclipLossDRInputs): DmclipLossTerms {
  const [batch] = pairShape("studentImage", inputs.studentImage, "studentSyntheticText", inputs.studentSyntheticText);
  checkTeachers(inputs.teacherImages, "teacherImages", inputs.teacherSyntheticTexts, "teacherSyntheticTexts", batch);
  return tf.tidy(() => {
    const real = dmclipLoss(inputs);
    const synthetic = dmclipLoss({...inputs, studentText: inputs.studentSyntheticText, teacherTexts: inputs.teacherSyntheticTexts});
    const sum = (key: keyof DmclipLossTerms) => tf.add(real[key], synthetic[key]) as tf.Scalar;
    return {total: sum("total"), contrastive: sum("contrastive"), distill: sum("distill")};
  });
}

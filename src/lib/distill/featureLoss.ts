import * as tf from "@tensorflow/tfjs";
import {l2Normalize} from "../clip/clipModel.js";
import {pairShape} from "./inputs.js";

/**
 * Feature distillation (CLIP-KD's "FD", not part of DM-CLIP's objective): 1 − the mean cosine
 * between each student image embedding and the teacher's embedding of the same view. It asks the
 * student for the teacher's whole view of every image, where the DM-CLIP terms ask only how the
 * batch's captions rank; the feature-transfer pilot uses it to measure how fast a student's image
 * tower can take on a teacher's view at all. The spaces must be one space: the teacher's text
 * tower in the student (inheritTextTower), so the student's zero-shot classifier is the teacher's.
 *
 * `studentImage` is L2-normalised (what ClipModel.encodeImage returns); `teacherImage` need not be.
 */
export function featureLoss(studentImage: tf.Tensor2D, teacherImage: tf.Tensor2D): tf.Scalar {
  pairShape("studentImage", studentImage, "teacherImage", teacherImage);
  return tf.tidy(() => tf.sub(1, tf.mean(tf.sum(tf.mul(studentImage, l2Normalize(teacherImage)), -1))) as tf.Scalar);
}

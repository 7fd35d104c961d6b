import * as tf from "@tensorflow/tfjs";
import {checkLogitScale, pairShape} from "./inputs.js";
import {similarityLogits, softCrossEntropy} from "./similarity.js";

/**
 * The symmetric CLIP (InfoNCE) loss ½ [CE(s·u vᵀ, I) + CE(s·v uᵀ, I)]: each image must pick its
 * own caption among the batch's, and each caption its own image. `imageEmb` and `textEmb` are
 * L2-normalised [batch, dim]; `logitScale` is the scalar multiplier s (not log s).
 */
export function clipLoss(imageEmb: tf.Tensor2D, textEmb: tf.Tensor2D, logitScale: tf.Scalar): tf.Scalar {
  pairShape("imageEmb", imageEmb, "textEmb", textEmb);
  checkLogitScale("logitScale", logitScale);
  return tf.tidy(() => contrastiveFromLogits(similarityLogits(imageEmb, textEmb, logitScale)));
}

/** The contrastive term from the image→text logits s·u vᵀ (text→image is their transpose). */
export function contrastiveFromLogits(imageToText: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const identity = tf.eye(imageToText.shape[0]) as tf.Tensor2D;
    const i2t = softCrossEntropy(identity, imageToText);
    const t2i = softCrossEntropy(identity, tf.transpose(imageToText));
    return tf.mul(tf.add(i2t, t2i), 0.5);
  });
}

import type * as tf from "@tensorflow/tfjs";
import type {ParamStore} from "../nn/params.js";

/**
 * Plain JSON that rebuilds an image encoder (its kind, sizes and seed), so a checkpoint can
 * recreate the model before loading its weights. Each encoder extends it with its own fields.
 */
export interface ImageEncoderConfig {
  readonly kind: "vit" | "vim";
  readonly embedDim: number;
}

/**
 * What ClipModel needs of an image encoder, so the ViT teacher/student and the Vim (Mamba)
 * student are interchangeable. Images are NHWC float32 in [0, 1], any square size that is a
 * multiple of the patch size (position embeddings are interpolated to the new grid).
 */
export interface ImageEncoder {
  readonly kind: "vit" | "vim";
  /** Width of the output feature (before ClipModel's normalisation), i.e. the CLIP embedding size. */
  readonly embedDim: number;
  readonly params: ParamStore;
  readonly config: ImageEncoderConfig;
  /** [batch, H, W, 3] → [batch, embedDim], unnormalised. */
  apply(images: tf.Tensor4D): tf.Tensor2D;
}

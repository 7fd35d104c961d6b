import * as tf from "@tensorflow/tfjs";

/**
 * Cuts [batch, H, W, C] images into non-overlapping p×p patches, row-major over the grid:
 * [batch, (H/p)·(W/p), p·p·C], each patch flattened as (row, column, channel). A patch
 * embedding is then one plain matMul; conv2d would need Conv2DBackpropFilter, which tfjs-wasm
 * lacks, and the reshapes keep every transpose at rank 4.
 */
export function patchify(images: tf.Tensor4D, patchSize: number): tf.Tensor3D {
  const [b, height, width, c] = images.shape;
  const p = patchSize;
  if (!Number.isInteger(p) || p < 1) throw new Error(`patchify: patchSize must be an integer ≥ 1, got ${p}`);
  if (height % p !== 0 || width % p !== 0 || height === 0 || width === 0) {
    throw new Error(`patchify: images must be a non-zero multiple of the patch size ${p} in height and width, got [${images.shape}]`);
  }
  const [gh, gw] = [height / p, width / p];
  return tf.tidy(() =>
    tf
      .transpose(images.reshape([b * gh, p, gw, p * c]), [0, 2, 1, 3])
      .reshape([b, gh * gw, p * p * c])
  );
}

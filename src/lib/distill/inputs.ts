import * as tf from "@tensorflow/tfjs";

// Argument checks shared by the losses. They read shapes only, never values: reading a tensor
// back would stall the training step (and on WebGPU, dataSync is unusable).

/** Checks that `value` is a float32 [batch, dim] tensor with batch, dim ≥ 1; returns [batch, dim]. */
export function embeddingShape(name: string, value: unknown): [number, number] {
  if (!(value instanceof tf.Tensor)) throw new Error(`${name} must be a [batch, dim] tensor, got ${describe(value)}`);
  if (value.rank !== 2) throw new Error(`${name} must be a [batch, dim] tensor, got shape [${value.shape}]`);
  if (value.dtype !== "float32") throw new Error(`${name} must be float32, got ${value.dtype}`);
  const [batch, dim] = value.shape as [number, number];
  if (batch < 1 || dim < 1) throw new Error(`${name} must have batch and dim ≥ 1, got shape [${value.shape}]`);
  return [batch, dim];
}

/** Checks an image/text embedding pair that will be multiplied together: same batch, same dim. */
export function pairShape(imageName: string, image: unknown, textName: string, text: unknown): [number, number] {
  const [b, d] = embeddingShape(imageName, image);
  const [bt, dt] = embeddingShape(textName, text);
  if (bt !== b) throw new Error(`${textName} has batch ${bt} but ${imageName} has batch ${b}: they must match`);
  if (dt !== d) throw new Error(`${textName} has dim ${dt} but ${imageName} has dim ${d}: they must match`);
  return [b, d];
}

/** The student's logit scale: a float32 scalar tensor (the multiplier s, not log s), so it can be learned. */
export function checkLogitScale(name: string, value: unknown): tf.Scalar {
  if (!(value instanceof tf.Tensor) || value.rank !== 0 || value.dtype !== "float32") {
    throw new Error(`${name} must be a float32 scalar tensor (the scale itself, not its log), got ${describe(value)}`);
  }
  return value as tf.Scalar;
}

/** A finite number > 0, such as a fixed teacher scale. */
export function checkPositive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a finite number > 0, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a ${value.dtype} tensor of shape [${value.shape}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === "number" ? String(value) : typeof value;
}

import * as tf from "@tensorflow/tfjs";

/**
 * Position embeddings for a gh×gw patch grid from a table learned on a g×g grid, [1 + g², width]
 * with the class token's row first: the table itself at the training size; otherwise the grid
 * rows resized bilinearly (half-pixel centres, PyTorch's align_corners=False) and the class row
 * kept, so an encoder can take another image size at inference.
 */
export function positionsForGrid(table: tf.Tensor2D, g: number, gh: number, gw: number): tf.Tensor2D {
  const [rows, width] = table.shape;
  if (rows !== 1 + g * g) throw new Error(`positionsForGrid: table must have 1 + ${g}² rows, got ${rows}`);
  if (gh === g && gw === g) return tf.clone(table);
  return tf.tidy(() => {
    const cls = tf.slice(table, [0, 0], [1, width]);
    const grid = tf.slice(table, [1, 0], [g * g, width]).reshape([1, g, g, width]) as tf.Tensor4D;
    const resized = tf.image.resizeBilinear(grid, [gh, gw], false, true).reshape([gh * gw, width]);
    return tf.concat([cls, resized], 0) as tf.Tensor2D;
  });
}

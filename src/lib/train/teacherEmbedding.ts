import * as tf from "@tensorflow/tfjs";
import type {ClipModel} from "../clip/clipModel.js";
import type {Tokenizer} from "../clip/tokenizer.js";
import type {EmbedFn} from "../data/reinforcedWriter.js";

/**
 * The reinforced set's embedding function: each teacher's normalised embeddings of the views and
 * captions, side by side in teacher order (DataCompDR concatenates its two teachers the same way).
 */
export function teacherEmbedFn(teachers: readonly ClipModel[], tokenizer: Tokenizer): EmbedFn {
  const joined = async (parts: tf.Tensor2D[]) => {
    const all = tf.concat(parts, 1);
    const values = Float32Array.from(await all.data());
    tf.dispose([...parts, all]);
    return values;
  };
  return async (images, captions) => {
    const x = tf.tensor4d(images.data, [images.count, images.height, images.width, 3]);
    const tokens = tokenizer.encodeBatch(captions);
    const imageEmb = await joined(teachers.map((t) => t.encodeImage(x)));
    const textEmb = await joined(teachers.map((t) => t.encodeText(tokens)));
    tf.dispose([x, tokens]);
    return {imageEmb, textEmb};
  };
}

import * as tf from "@tensorflow/tfjs";
import type {ClipModel} from "../clip/clipModel.js";
import type {Tokenizer} from "../clip/tokenizer.js";
import type {ClipEncoders} from "../eval/encoders.js";
import type {EvalLine} from "./trainer.js";
import {evaluate, type EvalOptions} from "../eval/evaluate.js";
import type {Sources} from "../data/sources.js";

/** A ClipModel seen through the evaluation's interface: batches in, normalised rows out. */
export function clipEncoders(model: ClipModel, tokenizer: Tokenizer): ClipEncoders {
  const rows = async (embed: () => tf.Tensor2D) => {
    const t = embed();
    const values = Float32Array.from(await t.data());
    t.dispose();
    return values;
  };
  return {
    encodeImages: (batch) =>
      rows(() => tf.tidy(() => model.encodeImage(tf.tensor4d(batch.data, [batch.count, batch.height, batch.width, 3])))),
    encodeTexts: (texts) => rows(() => tf.tidy(() => model.encodeText(tokenizer.encodeBatch(texts))))
  };
}

/** The trainer's evaluation hook over the lab's suites. */
export function suiteEvaluator(sources: Sources, options: EvalOptions = {}): (model: ClipModel, tokenizer: Tokenizer) => Promise<EvalLine[]> {
  return async (model, tokenizer) => (await evaluate(clipEncoders(model, tokenizer), sources, options)).map((r) => ({key: r.key, dataset: r.dataset, metrics: {...r.metrics}}));
}

import * as tf from "@tensorflow/tfjs";
import {Linear} from "../nn/linear.js";
import {LayerNorm} from "../nn/norm.js";
import {ParamStore} from "../nn/params.js";
import {embedTokens} from "./tokenEmbedding.js";
import {END_ID} from "./tokenizer.js";
import {Transformer, type TransformerSize} from "./transformer.js";

export interface TextTransformerConfig extends TransformerSize {
  /** The tokenizer's vocabulary size. */
  vocabSize: number;
  /** Tokens per caption, as the tokenizer pads them. */
  contextLength: number;
  /** Width of the output, the CLIP embedding size shared with the image encoder. */
  embedDim: number;
  seed: number;
}

/**
 * CLIP's text encoder: token + position embeddings, causal pre-norm transformer blocks, the final
 * LayerNorm at the end token, and a linear projection. Token lookups are one-hot matMuls
 * (embedTokens), so the text encoder trains on wasm too.
 */
export class TextTransformer {
  readonly params: ParamStore;
  readonly tokenEmbedding: tf.Variable;
  readonly positionEmbedding: tf.Variable;
  readonly transformer: Transformer;
  readonly lnFinal: LayerNorm;
  readonly projection: Linear;

  constructor(readonly config: TextTransformerConfig) {
    const {vocabSize, contextLength, width, embedDim, seed} = config;
    for (const [key, value] of Object.entries({vocabSize, contextLength, embedDim})) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`TextTransformer: config.${key} must be an integer ≥ 1, got ${value}`);
    }
    if (vocabSize <= END_ID) throw new Error(`TextTransformer: config.vocabSize must include the special tokens (> ${END_ID}), got ${vocabSize}`);
    this.params = new ParamStore(seed);
    this.tokenEmbedding = this.params.create("token_embedding", [vocabSize, width], {kind: "normal", std: 0.02});
    this.positionEmbedding = this.params.create("positional_embedding", [contextLength, width], {kind: "normal", std: 0.01});
    this.transformer = new Transformer(this.params.scope("transformer"), config);
    this.lnFinal = new LayerNorm(this.params, "ln_final", width);
    this.projection = new Linear(this.params, "text_projection", width, embedDim, {bias: false, std: width ** -0.5});
  }

  /** tokens [batch, contextLength] int32 → [batch, embedDim], unnormalised. */
  apply(tokens: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const hidden = this.hidden(tokens);
      // The end token's state: it is the first position that has seen the whole caption.
      const atEnd = tf.cast(tf.equal(tokens, END_ID), "float32").expandDims(2);
      const pooled = tf.sum(tf.mul(hidden, atEnd), 1);
      return this.projection.apply(this.lnFinal.apply(pooled)) as tf.Tensor2D;
    });
  }

  /** The transformer's output at every position, [batch, contextLength, width]. */
  hidden(tokens: tf.Tensor2D): tf.Tensor3D {
    const {contextLength} = this.config;
    if (!(tokens instanceof tf.Tensor) || tokens.rank !== 2 || tokens.shape[1] !== contextLength || tokens.dtype !== "int32") {
      const got = tokens instanceof tf.Tensor ? `${tokens.dtype} [${tokens.shape}]` : typeof tokens;
      throw new Error(`TextTransformer: tokens must be int32 [batch, ${contextLength}], got ${got}`);
    }
    return tf.tidy(() => {
      const embedded = embedTokens(tokens, this.tokenEmbedding as tf.Tensor2D);
      return this.transformer.apply(tf.add(embedded, this.positionEmbedding) as tf.Tensor3D, true);
    });
  }
}

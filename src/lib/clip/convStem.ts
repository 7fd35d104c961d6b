import * as tf from "@tensorflow/tfjs";
import {Linear} from "../nn/linear.js";
import type {Params} from "../nn/params.js";
import {gelu} from "./mlp.js";

/**
 * A ViT's "early convolutions" in place of its patch embedding: 3×3 convolutions of stride 2
 * (padding 1), each followed by GELU, then a 1×1 convolution to the transformer's width. With
 * three of them a 64-px image becomes the same 8×8 tokens as 8-px patches, but every token has
 * seen a 15-px neighbourhood through three non-linear layers instead of one linear map of its
 * own patch. On our scenes this about halves the steps a teacher needs before it tells shapes
 * apart (docs/teachers.md).
 */
export interface ConvStemConfig {
  /** Output channels of each stride-2 3×3 convolution, in order; the total stride is 2^length. */
  readonly channels: readonly number[];
}

const PADDING: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 1], [1, 1], [0, 0]];

/**
 * The nine taps of every output position of a 3×3 stride-2 convolution with padding 1, as rows
 * [b·(h/2)·(w/2), 9c] in (row, column, channel) order: the layout of a conv2d filter [3, 3, c, out]
 * flattened. The padded image is viewed as 2×2 cells, [b, h/2+1, 2, w/2+1, 2c]; output (i, j)
 * reads padded rows 2i, 2i+1, 2i+2, which are cell rows i, i, i+1 at parity 0, 1, 0, and likewise
 * for columns, so each tap is one slice.
 */
function taps(x: tf.Tensor4D): tf.Tensor2D {
  const [b, h, w, c] = x.shape;
  const [oh, ow] = [h / 2, w / 2];
  return tf.tidy(() => {
    const cells = tf.pad(x, PADDING).reshape([b, oh + 1, 2, ow + 1, 2 * c]);
    const parts: tf.Tensor[] = [];
    for (let row = 0; row < 3; row++) {
      for (let col = 0; col < 3; col++) {
        parts.push(tf.slice(cells, [0, row >> 1, row & 1, col >> 1, (col & 1) * c], [b, oh, 1, ow, c]).reshape([b * oh * ow, c]));
      }
    }
    return tf.concat(parts, 1) as tf.Tensor2D;
  });
}

/**
 * One 3×3 convolution of stride 2 with padding 1; `weight` is the filter flattened to [9·c, out].
 * Forward and the input's gradient are tf.conv2d and its transpose, fast on every backend;
 * tfjs-wasm has no Conv2DBackpropFilter, so the filter's gradient is the taps (im2col) times the
 * output gradient, one matMul.
 */
export function conv3x3Stride2(x: tf.Tensor4D, weight: tf.Tensor2D, bias: tf.Tensor1D | null): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (h % 2 !== 0 || w % 2 !== 0) throw new Error(`conv3x3Stride2: height and width must be even, got [${x.shape}]`);
  if (weight.shape[0] !== 9 * c) throw new Error(`conv3x3Stride2: weight must be [9·${c}, out], got [${weight.shape}]`);
  const out = weight.shape[1];
  const convolve = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, filter, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([input, filter]);
    const value = tf.conv2d(input as tf.Tensor4D, filter.reshape([3, 3, c, out]) as tf.Tensor4D, 2, PADDING);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor2D];
      const dx = tf.conv2dTranspose(dy as tf.Tensor4D, ws.reshape([3, 3, c, out]) as tf.Tensor4D, [b, h, w, c], 2, PADDING);
      const dw = tf.matMul(taps(xs), dy.reshape([-1, out]), true, false);
      return [dx, dw];
    };
    return {value, gradFunc};
  });
  return tf.tidy(() => {
    const y = convolve(x, weight) as tf.Tensor4D;
    return bias ? (tf.add(y, bias) as tf.Tensor4D) : y;
  });
}

/** The stem's layers: stride-2 3×3 convolutions with GELU, then a 1×1 convolution to `width`. */
export class ConvStem {
  readonly convs: Linear[];
  readonly project: Linear;

  constructor(params: Params, readonly config: ConvStemConfig, width: number) {
    const {channels} = config;
    if (!Array.isArray(channels) || channels.length === 0 || !channels.every((n) => Number.isInteger(n) && n > 0)) {
      throw new Error(`ConvStem: config.channels must be a non-empty list of positive integers, got ${JSON.stringify(channels)}`);
    }
    // Linear's default init is PyTorch's conv init too: U(±1/√fan_in) with fan_in = 9·in.
    this.convs = channels.map((out, k) => new Linear(params, `stem.${k}`, 9 * (k === 0 ? 3 : channels[k - 1]), out));
    this.project = new Linear(params, "stem.proj", channels[channels.length - 1], width);
  }

  /** The side, in pixels, that one output token covers. */
  get stride(): number {
    return 2 ** this.config.channels.length;
  }

  /** images [b, H, W, 3] → tokens [b, (H/stride)·(W/stride), width], row-major like patchify. */
  apply(images: tf.Tensor4D): tf.Tensor3D {
    const [b, h, w] = images.shape;
    if (h % this.stride !== 0 || w % this.stride !== 0) {
      throw new Error(`ConvStem: images must be a multiple of ${this.stride} px in height and width, got [${images.shape}]`);
    }
    return tf.tidy(() => {
      let x = images;
      for (const conv of this.convs) x = gelu(conv3x3Stride2(x, conv.weight as tf.Tensor2D, conv.bias as tf.Tensor1D)) as tf.Tensor4D;
      const tokens = (h / this.stride) * (w / this.stride);
      return this.project.apply(x.reshape([b, tokens, x.shape[3]])) as tf.Tensor3D;
    });
  }
}

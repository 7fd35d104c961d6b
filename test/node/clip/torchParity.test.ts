import {readFileSync} from "node:fs";
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {ClipModel, type ClipModelConfig, type NamedWeights} from "../../../src/lib/clip/clipModel.js";
import {buildImageEncoder} from "../../../src/lib/train/models.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";

/**
 * The teachers are trained in PyTorch (scripts/data/teachers_torch.py) and run here. The fixture
 * is a tiny random model of each image-encoder variant exported by `teachers_torch.py --fixture`,
 * with PyTorch's own embeddings of fixed inputs: loading its weights by name into the lab's
 * model must give the same embeddings, or the committed teachers would not be what was trained.
 */
interface ParityCase {
  config: ClipModelConfig;
  weights: Record<string, {shape: number[]; values: number[]}>;
  images: number[];
  tokens: number[];
  imageEmb: number[];
  textEmb: number[];
}
const fixture = JSON.parse(readFileSync(new URL("./torchTeacher.fixture.json", import.meta.url), "utf8")) as {cases: ParityCase[]};

describe.each(NODE_BACKENDS)("PyTorch-trained teachers load into the lab's model on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  for (const c of fixture.cases) {
    const kind = c.config.image.kind === "vit" && "stem" in c.config.image ? "convolutional stem" : "patch embedding";
    it(`${kind}: the same image and text embeddings as PyTorch`, async () => {
      const model = ClipModel.fromConfig(c.config, buildImageEncoder);
      const weights: NamedWeights = new Map(Object.entries(c.weights).map(([name, w]) => [name, {values: Float32Array.from(w.values), shape: w.shape}]));
      model.importWeights(weights);
      const n = c.tokens.length / c.config.text.contextLength;
      const side = (c.config.image as unknown as {imageSize: number}).imageSize;
      const images = tf.tensor4d(c.images, [n, side, side, 3]);
      const tokens = tf.tensor2d(c.tokens, [n, c.config.text.contextLength], "int32");
      const image = model.encodeImage(images);
      const text = model.encodeText(tokens);
      expect(relativeError(await image.data(), c.imageEmb)).toBeLessThan(1e-4);
      expect(relativeError(await text.data(), c.textEmb)).toBeLessThan(1e-4);
      tf.dispose([images, tokens, image, text]);
      model.dispose();
    });
  }
});

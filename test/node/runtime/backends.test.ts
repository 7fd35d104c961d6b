import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {NODE_BACKENDS, useBackend} from "../backends.js";

describe.each(NODE_BACKENDS)("tfjs on %s in Node", (backend) => {
  it("switches to the backend and computes a matmul", async () => {
    await useBackend(backend);
    const c = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]));
    expect(Array.from(await c.data())).toEqual([19, 22, 43, 50]);
    c.dispose();
  });
});

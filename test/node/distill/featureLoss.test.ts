import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {featureLoss} from "../../../src/lib/distill/featureLoss.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";

type Matrix = number[][];
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

/** Plain loss and gradients: L = 1 − (1/B) Σ_i u_i·t_i/|t_i|, u treated as given (already unit). */
function reference(u: Matrix, t: Matrix) {
  const batch = u.length;
  const norms = t.map((row) => Math.sqrt(dot(row, row)));
  const loss = 1 - u.reduce((s, row, i) => s + dot(row, t[i]) / norms[i], 0) / batch;
  const dStudent = t.map((row, i) => row.map((x) => -x / norms[i] / batch));
  const dTeacher = t.map((row, i) => row.map((x, k) => -(u[i][k] / norms[i] - (dot(u[i], row) * x) / norms[i] ** 3) / batch));
  return {loss, dStudent: dStudent.flat(), dTeacher: dTeacher.flat()};
}

function unitRows(rng: Rng, batch: number, dim: number): Matrix {
  return Array.from({length: batch}, () => {
    const row = Array.from({length: dim}, () => rng.normal());
    const n = Math.sqrt(dot(row, row));
    return row.map((x) => x / n);
  });
}

describe.each(NODE_BACKENDS)("featureLoss on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("matches the plain reference, value and both gradients, on random embeddings", async () => {
    const rng = new Rng(7);
    const u = unitRows(rng, 5, 8);
    // Teacher rows of mixed lengths: the loss must normalise them itself.
    const t = Array.from({length: 5}, (_, i) => Array.from({length: 8}, () => rng.normal() * (i + 0.5)));
    const want = reference(u, t);
    const inputs = [tf.tensor2d(u), tf.tensor2d(t)];
    const before = tf.memory().numTensors;
    const {value, grads} = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => featureLoss(a as tf.Tensor2D, b as tf.Tensor2D))(inputs);
    expect(Math.abs((await value.data())[0] - want.loss)).toBeLessThan(1e-5);
    expect(relativeError(await grads[0].data(), want.dStudent, 0)).toBeLessThan(1e-4);
    expect(relativeError(await grads[1].data(), want.dTeacher, 0)).toBeLessThan(1e-4);
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(inputs);
  });

  it("is 0 when the student points where the teacher does and 2 when it points away", async () => {
    const t = tf.tensor2d([[3, 4], [0, -2]]);
    const same = tf.tensor2d([[0.6, 0.8], [0, -1]]);
    const opposite = tf.neg(same) as tf.Tensor2D;
    const [a, b] = [featureLoss(same, t), featureLoss(opposite, t)];
    expect((await a.data())[0]).toBeCloseTo(0, 6);
    expect((await b.data())[0]).toBeCloseTo(2, 6);
    tf.dispose([t, same, opposite, a, b]);
  });
});

describe("featureLoss's arguments", () => {
  it("names the argument whose shape is wrong", () => {
    const [a, b] = [tf.zeros([4, 8]) as tf.Tensor2D, tf.zeros([4, 6]) as tf.Tensor2D];
    expect(() => featureLoss(a, b)).toThrow("teacherImage has dim 6 but studentImage has dim 8: they must match");
    tf.dispose([a, b]);
  });
});

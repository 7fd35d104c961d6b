// A browser test entry for the DM-CLIP losses: `window.lab.lossWithGrads` evaluates one loss and
// its gradients with respect to the student's embeddings and scale on the current backend;
// `window.lab.modelLossWithGrads` does the same for a ClipModel's loss and all its variables.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import {setWasmPaths} from "@tensorflow/tfjs-backend-wasm";
import {clipLoss} from "../../../src/lib/distill/clipLoss.js";
import {distillLoss} from "../../../src/lib/distill/distillLoss.js";
import {dmclipLoss, type LossWeights} from "../../../src/lib/distill/dmclipLoss.js";
import {dmclipLossDR} from "../../../src/lib/distill/dmclipLossDR.js";
import {modelLossWithGrads} from "../../node/clip/fixtures.js";
import {activateBackend as use} from "../../../src/lib/runtime/backendSelection.js";

setWasmPaths(new URL("./", import.meta.url).href);

type Matrix = number[][];

export interface LossCase {
  loss: "clip" | "distill" | "dmclip" | "dmclipDR";
  image: Matrix;
  text: Matrix;
  scale: number;
  teacherImages: Matrix[];
  teacherTexts: Matrix[];
  teacherScale: number[];
  weights: LossWeights;
  syntheticText?: Matrix;
  teacherSyntheticTexts?: Matrix[];
}

/** Switches backend with the lab's speed fixes installed, as the site runs. */

async function lossWithGrads(c: LossCase) {
  const before = tf.memory().numTensors;
  const teacherImages = c.teacherImages.map((m) => tf.tensor2d(m));
  const teacherTexts = c.teacherTexts.map((m) => tf.tensor2d(m));
  const synthetic = c.syntheticText ? tf.tensor2d(c.syntheticText) : null;
  const teacherSynthetic = (c.teacherSyntheticTexts ?? []).map((m) => tf.tensor2d(m));
  const f = (u: tf.Tensor, v: tf.Tensor, s: tf.Tensor): tf.Scalar => {
    const student = {studentImage: u as tf.Tensor2D, studentText: v as tf.Tensor2D, logitScale: s as tf.Scalar};
    const inputs = {...student, teacherImages, teacherTexts, teacherScale: c.teacherScale, weights: c.weights};
    switch (c.loss) {
      case "clip":
        return clipLoss(student.studentImage, student.studentText, student.logitScale);
      case "distill":
        return distillLoss(inputs);
      case "dmclip":
        return dmclipLoss(inputs).total;
      case "dmclipDR":
        return dmclipLossDR({...inputs, studentSyntheticText: synthetic as tf.Tensor2D, teacherSyntheticTexts: teacherSynthetic}).total;
    }
  };
  const xs = [tf.tensor2d(c.image), tf.tensor2d(c.text), tf.scalar(c.scale)];
  const {value, grads} = tf.valueAndGrads(f)(xs);
  const out = {
    loss: (await value.data())[0],
    dImage: Array.from(await grads[0].data()),
    dText: Array.from(await grads[1].data()),
    dScale: (await grads[2].data())[0]
  };
  tf.dispose([value, ...grads, ...xs, ...teacherImages, ...teacherTexts, ...teacherSynthetic]);
  synthetic?.dispose();
  return {...out, leaked: tf.memory().numTensors - before};
}

(window as unknown as {lab: unknown}).lab = {tf, use, lossWithGrads, modelLossWithGrads};

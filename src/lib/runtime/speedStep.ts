import * as tf from "@tensorflow/tfjs";
import {l2Normalize} from "../clip/clipModel.js";
import type {ImageEncoder} from "../clip/imageEncoder.js";
import {VIT_STUDENT, VIT_TEACHER_A} from "../clip/presets.js";
import {VitEncoder, type VitConfig} from "../clip/vit.js";
import {clipLoss} from "../distill/clipLoss.js";
import {VimEncoder, VIM_STUDENT_DEFAULT, type VimConfig} from "../mamba/vimEncoder.js";
import {Rng} from "../random/rng.js";
import {AdamW} from "../train/adamw.js";

/**
 * One image-encoder training step as the trainer runs it — forward, CLIP loss, backward, AdamW —
 * on a fixed synthetic batch, for the benchmark and the profiler. The loss pairs the images
 * with fixed unit "text" embeddings, so only the image encoder differs between models; the text
 * tower is small and the same for every student.
 */

export const STEP_MODELS = ["vit-teacher", "vit-student", "vim-student"] as const;
export type StepModel = (typeof STEP_MODELS)[number];

export const STEP_CONFIGS: Record<StepModel, VitConfig | VimConfig> = {
  "vit-teacher": VIT_TEACHER_A,
  "vit-student": VIT_STUDENT,
  "vim-student": VIM_STUDENT_DEFAULT
};

export interface TrainingStep {
  readonly model: StepModel;
  readonly config: VitConfig | VimConfig;
  /** What the step trains, for tests that compare its weights across backends. */
  readonly encoder: ImageEncoder;
  readonly batch: number;
  /** Tokens per image: patches plus the class token. */
  readonly tokens: number;
  readonly parameters: number;
  /** Runs one step and waits for its loss. */
  run(): Promise<number>;
  dispose(): void;
}

const LEARNING_RATE = 1e-4;
const LOGIT_SCALE = 1 / 0.07;

export function isStepModel(name: unknown): name is StepModel {
  return typeof name === "string" && (STEP_MODELS as readonly string[]).includes(name);
}

/**
 * A ready-to-run step of `model` on the active backend, at its default size unless `config` (of
 * the same kind) resizes it: GPU emulators in tests take a small one.
 */
export function trainingStep(
  model: StepModel,
  {batch = 64, seed = 1, config = STEP_CONFIGS[model]}: {batch?: number; seed?: number; config?: VitConfig | VimConfig} = {}
): TrainingStep {
  if (!isStepModel(model)) throw new Error(`trainingStep: model must be one of ${STEP_MODELS.join(", ")}, got ${String(model)}`);
  if (!Number.isInteger(batch) || batch < 2) throw new Error(`trainingStep: batch must be an integer ≥ 2, got ${batch}`);
  if (config.kind !== STEP_CONFIGS[model].kind) throw new Error(`trainingStep: config.kind must be ${STEP_CONFIGS[model].kind} for ${model}, got ${config.kind}`);
  const encoder: ImageEncoder = config.kind === "vit" ? new VitEncoder(config) : new VimEncoder(config);
  const rng = new Rng(seed);
  const side = config.imageSize;
  const images = tf.tensor4d(Float32Array.from({length: batch * side * side * 3}, () => rng.next()), [batch, side, side, 3]);
  const text = tf.tidy(() => l2Normalize(tf.tensor2d(Float32Array.from({length: batch * config.embedDim}, () => rng.normal()), [batch, config.embedDim])));
  const scale = tf.scalar(LOGIT_SCALE);
  const optimizer = new AdamW(encoder.params.vars);
  const names = new Map([...encoder.params.vars].map(([name, v]) => [v.name, name]));
  return {
    model,
    config,
    encoder,
    batch,
    tokens: 1 + (side / config.patchSize) ** 2,
    parameters: encoder.params.count(),
    async run() {
      const {value, grads} = tf.variableGrads(() => clipLoss(l2Normalize(encoder.apply(images)), text, scale), encoder.params.list());
      const byName: tf.NamedTensorMap = {};
      for (const [tfName, g] of Object.entries(grads)) byName[names.get(tfName)!] = g;
      optimizer.apply(byName, LEARNING_RATE);
      tf.dispose(grads);
      const loss = (await value.data())[0];
      value.dispose();
      return loss;
    },
    dispose() {
      tf.dispose([images, text, scale]);
      optimizer.dispose();
      encoder.params.dispose();
    }
  };
}

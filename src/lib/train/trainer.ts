import * as tf from "@tensorflow/tfjs";
import type {ClipModel} from "../clip/clipModel.js";
import type {Tokenizer} from "../clip/tokenizer.js";
import {clipLoss} from "../distill/clipLoss.js";
import {DEFAULT_TEACHER_SCALE} from "../distill/distillLoss.js";
import {dmclipLoss} from "../distill/dmclipLoss.js";
import {dmclipLossDR} from "../distill/dmclipLossDR.js";
import {AdamW, ADAMW_DEFAULTS} from "./adamw.js";
import type {BatchSource, TrainBatch} from "./batchSource.js";
import type {Checkpoint} from "./checkpoint.js";
import {clipByGlobalNorm} from "./gradientClip.js";
import {warmupCosine} from "./schedule.js";
import {checkSettings, isLiveSetting, type LiveSetting, type TrainSettings} from "./settings.js";

/** What one step reports; the weights and scales are the ones that step actually used. */
export interface StepMetrics {
  step: number;
  total: number;
  contrastive: number;
  distill: number | null;
  logitScale: number;
  gradNorm: number;
  learningRate: number;
  contrastiveWeight: number;
  distillWeight: number;
  /** Each teacher's distillation scale, in the order of the source's teachers; null without teachers. */
  teacherScale: readonly number[] | null;
  imagesPerSecond: number;
}

/** One DataComp-format result line (`eval_results.jsonl`). */
export interface EvalLine {
  key: string;
  dataset: string;
  metrics: Record<string, number | null>;
}

export type TrainerState = "ready" | "running" | "paused" | "done" | "stopped";

/** Why the state changed, for code to branch on; the event's `reason` is the sentence for people. */
export type StateCause = "started" | "paused" | "finished" | "diverged" | "failed" | "reset" | "restored";

/** Step and evaluation events say how long they took (`seconds`), so a record can leave pauses out. */
export type TrainerEvent =
  | {type: "step"; metrics: StepMetrics; seconds: number}
  | {type: "eval"; step: number; lines: EvalLine[]; seconds: number}
  | {type: "state"; state: TrainerState; cause: StateCause; reason: string};

export interface TrainerSetup {
  tokenizer: Tokenizer;
  /** A fresh student for these settings (its initial weights come from settings.seed). */
  createModel(settings: TrainSettings): ClipModel;
  /**
   * A batch stream for these settings (its order comes from settings.seed) that passes over the
   * first `drawn` batches: 0 for a new run, the step of a resumed one, so that it trains on the
   * batches it would have met had it never stopped.
   */
  createSource(settings: TrainSettings, drawn: number): Promise<BatchSource>;
  /** Optional evaluation, every settings.evalEvery steps and at the end. */
  evaluate?(model: ClipModel, tokenizer: Tokenizer): Promise<EvalLine[]>;
}

/** A loss this many times the first step's, after warm-up, counts as divergence. */
const DIVERGENCE_FACTOR = 4;
/**
 * Below this logit scale every logit lies within ±1 (cosines times the scale): the softmax can
 * barely leave uniform, the loss sits at ln(batch) and the gradients fade. Seen at learning
 * rate 1, where the scale falls from 14.3 towards 0; healthy runs (all committed ones) stay above 13.
 */
const COLLAPSED_LOGIT_SCALE = 1;

/** What a run is made of; built whole on the side so a failure leaves the live run alone. */
interface RunParts {
  model: ClipModel;
  source: BatchSource;
  params: Map<string, tf.Variable>;
  optimizer: AdamW;
}

/**
 * Trains a DM-CLIP student: AdamW with warm-up + cosine, global gradient clipping, and the
 * DM-CLIP objective whose weights, teacher scale and learning rate are read from `settings` at
 * every step (so sliders act on the next step without touching the optimizer). No DOM: the same
 * trainer runs in a page, a worker or Node; it talks through events.
 */
export class Trainer {
  model!: ClipModel;
  private optimizer!: AdamW;
  private source!: BatchSource;
  private params!: Map<string, tf.Variable>;
  private settingsNow: TrainSettings;
  private stateNow: TrainerState = "ready";
  private stepNow = 0;
  private firstLoss: number | null = null;
  private listeners = new Set<(event: TrainerEvent) => void>();
  private loop: Promise<void> | null = null;
  private lastBatch: TrainBatch | null = null;

  private constructor(private readonly setup: TrainerSetup, settings: TrainSettings) {
    this.settingsNow = settings;
  }

  static async create(setup: TrainerSetup, settings: Partial<TrainSettings> = {}): Promise<Trainer> {
    const trainer = new Trainer(setup, checkSettings(settings));
    trainer.install(await trainer.assemble(trainer.settingsNow, 0));
    return trainer;
  }

  /**
   * A trainer that goes on from `checkpoint` as `resume` does, for a caller that has no run yet:
   * it builds only the checkpoint's run, not a fresh one first that resuming would throw away.
   */
  static async resumed(setup: TrainerSetup, checkpoint: Checkpoint, label: string): Promise<Trainer> {
    // The settings are the checkpoint's, set by resume(); these only fill the field until then.
    const trainer = new Trainer(setup, checkSettings({}));
    await trainer.resume(checkpoint, label);
    return trainer;
  }

  get settings(): Readonly<TrainSettings> {
    return this.settingsNow;
  }
  get state(): TrainerState {
    return this.stateNow;
  }
  get step(): number {
    return this.stepNow;
  }
  get tokenizer(): Tokenizer {
    return this.setup.tokenizer;
  }
  /** The batch the last step trained on (for the notebook's similarity matrices and scene strip). */
  get batch(): TrainBatch | null {
    return this.lastBatch;
  }
  get teacherDims(): readonly number[] {
    return this.source.teacherDims;
  }

  on(listener: (event: TrainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes live settings; they apply from the next step. Anything else needs `restart`. */
  update(changes: Partial<Pick<TrainSettings, LiveSetting>>): void {
    for (const key of Object.keys(changes) as (keyof TrainSettings)[]) {
      if (!isLiveSetting(key)) throw new Error(`Trainer.update: "${key}" needs a restart (use restart({${key}: …}))`);
    }
    this.settingsNow = checkSettings({...this.settingsNow, ...changes});
  }

  /**
   * Each teacher's scale for the next step: the setting for all of them, else each teacher's own
   * learned scale (its targets are only as sharp as that teacher was trained to be), else 100.
   */
  effectiveTeacherScale(): readonly number[] {
    const {teacherScale} = this.settingsNow;
    const dims = this.source.teacherDims;
    const own = this.source.teacherScales;
    if (teacherScale !== null) return dims.map(() => teacherScale);
    return own.length === dims.length ? own : dims.map(() => DEFAULT_TEACHER_SCALE);
  }

  /** One optimisation step; emits and returns its metrics. Stops the run (and throws) on divergence. */
  async trainStep(): Promise<StepMetrics> {
    if (this.stateNow === "done" || this.stateNow === "stopped") {
      throw new Error(`Trainer.trainStep: the run is ${this.stateNow} at step ${this.stepNow}; reset or restart it`);
    }
    const s = this.settingsNow;
    const started = performance.now();
    const batch = await this.source.next();
    this.lastBatch = batch;
    const learningRate = s.learningRate * warmupCosine(this.stepNow, s.warmupSteps, s.steps);
    const teacherScale = batch.teacher ? this.effectiveTeacherScale() : null;
    const weights = {contrastive: s.contrastiveWeight, distill: s.distillWeight};

    // Everything the step allocates is freed whether it succeeds or throws (flat tensor count).
    const inputs = tf.tidy(() => this.batchTensors(batch));
    // The unweighted terms are kept out of variableGrads' scope so the step can report them.
    const terms: {contrastive?: tf.Scalar; distill?: tf.Scalar} = {};
    const owned: tf.Tensor[] = [];
    let read: number[];
    try {
      const {value, grads} = variableGradsFreeingOnThrow(() => {
        const image = this.model.encodeImage(inputs.images);
        const text = this.model.encodeText(inputs.tokens);
        const logitScale = this.model.logitScale();
        if (!inputs.teachers) {
          const loss = clipLoss(image, text, logitScale);
          terms.contrastive = tf.keep(loss.clone());
          return loss;
        }
        const common = {studentImage: image, studentText: text, logitScale, teacherImages: inputs.teachers.image, teacherTexts: inputs.teachers.text, teacherScale: teacherScale!, weights};
        const out = s.dr
          ? dmclipLossDR({...common, studentSyntheticText: this.model.encodeText(inputs.syntheticTokens), teacherSyntheticTexts: inputs.teachers.syntheticText})
          : dmclipLoss(common);
        terms.contrastive = tf.keep(out.contrastive);
        terms.distill = tf.keep(out.distill);
        return out.total;
      }, this.params);
      owned.push(value, ...Object.values(grads));
      const clipped = clipByGlobalNorm(grads, s.clipNorm);
      owned.push(clipped.norm, ...Object.values(clipped.grads));
      this.optimizer.apply(clipped.grads, learningRate);
      const scale = this.model.logitScale();
      owned.push(scale);
      const scalars = [value, terms.contrastive!, clipped.norm, scale, ...(terms.distill ? [terms.distill] : [])];
      read = await Promise.all(scalars.map(async (t) => (await t.data())[0]));
    } finally {
      disposeInputs(inputs);
      tf.dispose([...owned, ...Object.values(terms)]);
    }
    const [total, contrastive, gradNorm, logitScale, distill] = read;
    this.stepNow += 1;
    const seconds = (performance.now() - started) / 1000;

    const metrics: StepMetrics = {
      step: this.stepNow,
      total,
      contrastive,
      distill: distill ?? null,
      logitScale,
      gradNorm,
      learningRate,
      contrastiveWeight: weights.contrastive,
      distillWeight: weights.distill,
      teacherScale,
      imagesPerSecond: batch.images.count / seconds
    };
    this.emit({type: "step", metrics, seconds});
    this.checkDivergence(metrics);
    if (this.stepNow >= s.steps) {
      await this.runEvaluation();
      this.setState("done", "finished", `finished ${s.steps} steps`);
    } else if (s.evalEvery > 0 && this.stepNow % s.evalEvery === 0) {
      await this.runEvaluation();
    }
    return metrics;
  }

  /** Trains until the schedule ends, pause() or an error; yields to the event loop between steps. */
  start(): Promise<void> {
    if (this.loop) return this.loop;
    if (this.stateNow === "done" || this.stateNow === "stopped") return Promise.resolve();
    this.setState("running", "started", "started");
    this.loop = (async () => {
      try {
        while (this.stateNow === "running") {
          await this.trainStep();
          // A macrotask between steps lets the page handle clicks and slider moves.
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      } catch (error) {
        if (this.stateNow === "running") this.setState("stopped", "failed", (error as Error).message);
      } finally {
        this.loop = null;
      }
    })();
    return this.loop;
  }

  /** Stops after the step in flight; resolves when it has finished. */
  async pause(): Promise<void> {
    if (this.stateNow === "running") this.setState("paused", "paused", `paused at step ${this.stepNow}`);
    await this.loop;
  }

  /** Back to step 0 with the same settings: same seed, same initial weights, same batches. */
  async reset(): Promise<void> {
    await this.restart({});
  }

  /**
   * Back to step 0 with changed settings (any, including those that need a restart). Bad settings
   * or a failed build leave the run as it was, still running if it was.
   */
  async restart(changes: Partial<TrainSettings>): Promise<void> {
    const settings = checkSettings({...this.settingsNow, ...changes});
    const parts = await this.assemble(settings, 0);
    await this.pause();
    this.settingsNow = settings;
    this.install(parts);
    this.setState("ready", "reset", "reset");
  }

  /**
   * The run as `resume` takes it back: weights, optimizer moments, step, settings and the first
   * step's loss (the divergence check's reference), with `meta` added. Take it between steps
   * (paused, or from a caller that drives the steps), not while one is in flight.
   */
  async checkpoint(meta: Record<string, unknown> = {}): Promise<Checkpoint> {
    return {
      model: this.model.config,
      tokenizer: this.setup.tokenizer.toJSON(),
      weights: await this.model.exportWeights(),
      step: this.stepNow,
      optimizer: await this.optimizer.exportState(),
      meta: {...meta, settings: this.settingsNow, firstLoss: this.firstLoss}
    };
  }

  /**
   * Continues the run a checkpoint saved: its settings (meta.settings), weights, optimizer moments
   * and step, with the batches after that step and, when saved (meta.firstLoss), the reference
   * its divergence check used; so a run resumed from `checkpoint()` trains on as if it had never
   * stopped. The new model is built and checked against the checkpoint's config, weights and
   * moments before anything live is touched: a checkpoint that does not fit fails naming `label`
   * and what differs, and leaves this run exactly as it was.
   */
  async resume(checkpoint: Checkpoint, label: string): Promise<void> {
    const fail = (what: string): never => {
      throw new Error(`checkpoint ${label}: ${what}`);
    };
    const {optimizer} = checkpoint;
    if (!optimizer) fail("it holds no optimizer state, so training cannot resume from it");
    const saved = checkpoint.meta.settings;
    if (typeof saved !== "object" || saved === null || Array.isArray(saved)) fail("it holds no training settings (meta.settings), so it is not a run to resume");
    let settings: TrainSettings;
    try {
      settings = checkSettings(saved as Partial<TrainSettings>);
    } catch (error) {
      return fail((error as Error).message);
    }
    if (checkpoint.step > settings.steps) fail(`its step ${checkpoint.step} lies past the end of its schedule (${settings.steps} steps)`);
    const {firstLoss} = checkpoint.meta;
    if (firstLoss !== undefined && firstLoss !== null && !(typeof firstLoss === "number" && Number.isFinite(firstLoss))) fail(`meta.firstLoss must be a finite number or null, got ${JSON.stringify(firstLoss)}`);
    const parts = await this.assemble(settings, checkpoint.step, ({model, optimizer: fresh}) => {
      const differs = configDifference(model.config, checkpoint.model);
      if (differs) throw new Error(`its model does not match the ${settings.student} student its settings describe: ${differs}`);
      model.importWeights(checkpoint.weights);
      fresh.importState(optimizer!);
    }).catch((error: Error) => fail(error.message));
    await this.pause();
    this.settingsNow = settings;
    this.install(parts);
    this.stepNow = checkpoint.step;
    this.firstLoss = checkpoint.step > 0 ? ((firstLoss as number | null | undefined) ?? null) : null;
    this.setState(checkpoint.step >= settings.steps ? "done" : "ready", "restored", `restored at step ${checkpoint.step}`);
  }

  async evaluate(): Promise<EvalLine[]> {
    return this.setup.evaluate ? this.setup.evaluate(this.model, this.setup.tokenizer) : [];
  }

  dispose(): void {
    this.stateNow = "stopped";
    this.disposeRun();
    this.listeners.clear();
  }

  /** A fresh model, optimizer and source (past `drawn` batches) for `settings`; on any failure (`check`'s too) none survives. */
  private async assemble(settings: TrainSettings, drawn: number, check?: (parts: RunParts) => void): Promise<RunParts> {
    const model = this.setup.createModel(settings);
    let optimizer: AdamW | undefined;
    let source: BatchSource | undefined;
    try {
      const params = model.namedVariables();
      optimizer = new AdamW(params, {...ADAMW_DEFAULTS, weightDecay: settings.weightDecay});
      source = await this.setup.createSource(settings, drawn);
      const parts = {model, params, optimizer, source};
      check?.(parts);
      return parts;
    } catch (error) {
      source?.dispose?.();
      optimizer?.dispose();
      model.dispose();
      throw error;
    }
  }

  /** Replaces the run's model, source and optimizer, back at step 0. */
  private install(parts: RunParts): void {
    this.disposeRun();
    ({model: this.model, source: this.source, params: this.params, optimizer: this.optimizer} = parts);
    this.stepNow = 0;
    this.firstLoss = null;
    this.lastBatch = null;
  }

  /** The source too: one drawing ahead in a worker would otherwise keep its worker running. */
  private disposeRun(): void {
    this.source?.dispose?.();
    this.optimizer?.dispose();
    this.model?.dispose();
  }

  private batchTensors(batch: TrainBatch) {
    const {count, height, width, data} = batch.images;
    const tok = this.setup.tokenizer;
    const dims = this.source.teacherDims;
    const split = (rows: Float32Array) => {
      const all = tf.tensor2d(rows, [count, dims.reduce((a, b) => a + b, 0)]);
      const parts = tf.split(all, [...dims], 1) as tf.Tensor2D[];
      all.dispose();
      return parts;
    };
    return {
      images: tf.tensor4d(data, [count, height, width, 3]),
      tokens: tok.encodeBatch(batch.captions),
      syntheticTokens: tok.encodeBatch(batch.syntheticCaptions),
      teachers: batch.teacher && dims.length > 0
        ? {image: split(batch.teacher.image), text: split(batch.teacher.text), syntheticText: split(batch.teacher.syntheticText)}
        : undefined
    };
  }

  private checkDivergence(m: StepMetrics): void {
    this.firstLoss ??= m.total;
    const problem = divergence(m, this.firstLoss, this.settingsNow.warmupSteps);
    if (problem) {
      const reason = `diverged at step ${m.step}: ${problem} (try a lower learning rate)`;
      this.setState("stopped", "diverged", reason);
      throw new Error(reason);
    }
  }

  private async runEvaluation(): Promise<void> {
    if (!this.setup.evaluate) return;
    const started = performance.now();
    const lines = await this.setup.evaluate(this.model, this.setup.tokenizer);
    this.emit({type: "eval", step: this.stepNow, lines, seconds: (performance.now() - started) / 1000});
  }

  private setState(state: TrainerState, cause: StateCause, reason: string): void {
    this.stateNow = state;
    this.emit({type: "state", state, cause, reason});
  }

  private emit(event: TrainerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * Why a step's metrics mean the run has diverged, or null: a non-finite loss, term, gradient norm
 * or logit scale, or (after warm-up) a loss over DIVERGENCE_FACTOR times the first step's.
 */
export function divergence(m: StepMetrics, firstLoss: number, warmupSteps: number): string | null {
  const problems: string[] = [];
  for (const key of ["total", "contrastive", "distill", "gradNorm", "logitScale"] as const) {
    const value = m[key];
    if (value !== null && !Number.isFinite(value)) problems.push(`${key} is ${value}`);
  }
  if (problems.length === 0) {
    if (m.logitScale < COLLAPSED_LOGIT_SCALE) problems.push(`the logit scale collapsed to ${m.logitScale.toPrecision(3)} (below ${COLLAPSED_LOGIT_SCALE}: the softmax is all but uniform)`);
    if (m.gradNorm === 0) problems.push("the gradient norm is 0 (nothing can learn)");
  }
  if (problems.length === 0 && m.step > warmupSteps && m.total > DIVERGENCE_FACTOR * firstLoss) {
    problems.push(`the loss ${m.total.toFixed(3)} is over ${DIVERGENCE_FACTOR}× the first step's ${firstLoss.toFixed(3)}`);
  }
  return problems.length > 0 ? problems.join(", ") : null;
}

/**
 * tf.variableGrads by parameter name, leaking nothing when `f` throws. tfjs keeps every tensor its
 * tape saves for the backward pass until a backward pass runs, so a forward pass that throws would
 * strand them (hundreds per step). Here the error is held, the pass ends on a zero that depends
 * on one parameter (the backward pass frees the tape), and the error is rethrown.
 */
function variableGradsFreeingOnThrow(f: () => tf.Scalar, params: ReadonlyMap<string, tf.Variable>): {value: tf.Scalar; grads: tf.NamedTensorMap} {
  const variables = [...params.values()];
  let failure: {error: unknown} | null = null;
  const {value, grads} = tf.variableGrads(() => {
    try {
      return f();
    } catch (error) {
      failure = {error};
      return tf.mul(tf.sum(variables[0]), 0) as tf.Scalar;
    }
  }, variables);
  if (failure) {
    tf.dispose([value, ...Object.values(grads)]);
    throw (failure as {error: unknown}).error;
  }
  const byName: tf.NamedTensorMap = {};
  for (const [name, v] of params) if (grads[v.name]) byName[name] = grads[v.name];
  return {value, grads: byName};
}

/** The first field where two model configs differ, as "path (a vs b)", or null when they match. */
function configDifference(built: unknown, saved: unknown, path = "config"): string | null {
  if (typeof built !== "object" || built === null || typeof saved !== "object" || saved === null) {
    return Object.is(built, saved) ? null : `${path} is ${JSON.stringify(saved)} in the checkpoint, ${JSON.stringify(built)} here`;
  }
  const keys = new Set([...Object.keys(built), ...Object.keys(saved)]);
  for (const key of keys) {
    const differs = configDifference((built as Record<string, unknown>)[key], (saved as Record<string, unknown>)[key], `${path}.${key}`);
    if (differs) return differs;
  }
  return null;
}

function disposeInputs(inputs: ReturnType<Trainer["batchTensors"]>): void {
  tf.dispose([inputs.images, inputs.tokens, inputs.syntheticTokens]);
  if (inputs.teachers) tf.dispose([...inputs.teachers.image, ...inputs.teachers.text, ...inputs.teachers.syntheticText]);
}

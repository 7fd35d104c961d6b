import * as tf from "@tensorflow/tfjs";

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** CLIP's AdamW settings (OpenCLIP defaults for ViTs: β2 0.98, ε 1e-6, decay 0.2 → 0.1 here for small data). */
export const ADAMW_DEFAULTS: AdamWOptions = {beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.1};

/** Moments and step count, by parameter name: what a checkpoint stores to resume exactly. */
export interface AdamWState {
  step: number;
  moments: Record<string, {m: Float32Array; v: Float32Array; shape: number[]}>;
}

/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter). The learning rate is an argument of
 * every update, not a field, so a schedule or a live slider sets it per step. Like OpenCLIP,
 * parameters of rank < 2 (biases, norm gains, the logit scale) are not decayed.
 */
export class AdamW {
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    readonly options: AdamWOptions = ADAMW_DEFAULTS
  ) {
    // tf.variable copies its initial value into a tensor of its own: the zeros are freed here.
    tf.tidy(() => {
      for (const [name, p] of params) {
        this.m.set(name, tf.variable(tf.zerosLike(p), false));
        this.v.set(name, tf.variable(tf.zerosLike(p), false));
      }
    });
  }

  get step(): number {
    return this.t;
  }

  /** One update from `grads` (by parameter name; a missing gradient leaves its parameter alone). */
  apply(grads: tf.NamedTensorMap, learningRate: number): void {
    if (!(Number.isFinite(learningRate) && learningRate >= 0)) throw new Error(`AdamW.apply: learningRate must be a finite number ≥ 0, got ${learningRate}`);
    this.t += 1;
    const {beta1, beta2, epsilon, weightDecay} = this.options;
    const correction1 = 1 - beta1 ** this.t;
    const correction2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const p = this.params.get(name);
        if (!p) throw new Error(`AdamW.apply: gradient for unknown parameter "${name}"`);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon));
        const decayed = p.rank >= 2 && weightDecay > 0 ? tf.mul(p, 1 - learningRate * weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(update, learningRate)));
      }
    });
  }

  async exportState(): Promise<AdamWState> {
    const moments: AdamWState["moments"] = {};
    for (const [name, m] of this.m) {
      const v = this.v.get(name)!;
      moments[name] = {m: Float32Array.from(await m.data()), v: Float32Array.from(await v.data()), shape: [...m.shape]};
    }
    return {step: this.t, moments};
  }

  importState(state: AdamWState): void {
    if (!(Number.isInteger(state?.step) && state.step >= 0)) throw new Error(`AdamW.importState: step must be an integer ≥ 0, got ${state?.step}`);
    for (const name of this.m.keys()) {
      const saved = state.moments?.[name];
      const expected = this.m.get(name)!.shape;
      if (!saved) throw new Error(`AdamW.importState: moments lack parameter "${name}"`);
      const size = expected.reduce((a, b) => a * b, 1);
      if (!Array.isArray(saved.shape) || saved.shape.join() !== expected.join() || saved.m?.length !== size || saved.v?.length !== size) {
        throw new Error(`AdamW.importState: moments of "${name}" must have shape [${expected}] (${size} values each), got [${saved.shape}] with ${saved.m?.length} and ${saved.v?.length} values`);
      }
    }
    for (const [name, m] of this.m) {
      const saved = state.moments[name];
      tf.tidy(() => {
        m.assign(tf.tensor(saved.m, saved.shape, "float32"));
        this.v.get(name)!.assign(tf.tensor(saved.v, saved.shape, "float32"));
      });
    }
    this.t = state.step;
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
  }
}

import * as tf from "@tensorflow/tfjs";
import {Rng} from "../random/rng.js";

export type Init =
  | {kind: "normal"; std: number}
  | {kind: "uniform"; bound: number}
  | {kind: "constant"; value: number}
  | {kind: "values"; values: Float32Array};

/**
 * The trainable weights of one model, by stable name. tfjs registers variables globally by
 * name, so two models with the same layer names would collide; we let tfjs name them and keep
 * our own names here, which is what checkpoints, parameter counts and optimizers read.
 */
export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** Creates a variable; initial values come from this store's seeded stream, backend-independent. */
  create(name: string, shape: number[], init: Init): tf.Variable {
    if (this.vars.has(name)) throw new Error(`ParamStore: parameter "${name}" already exists`);
    const size = shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    switch (init.kind) {
      case "normal":
        values = Float32Array.from({length: size}, () => this.rng.normal() * init.std);
        break;
      case "uniform":
        values = Float32Array.from({length: size}, () => this.rng.uniform(-init.bound, init.bound));
        break;
      case "constant":
        values = new Float32Array(size).fill(init.value);
        break;
      case "values":
        if (init.values.length !== size) {
          throw new Error(`ParamStore: "${name}" needs ${size} initial values for shape [${shape}], got ${init.values.length}`);
        }
        values = init.values;
        break;
    }
    const initial = tf.tensor(values, shape, "float32");
    const v = tf.variable(initial, true);
    initial.dispose(); // tf.variable copies its initial value
    this.vars.set(name, v);
    return v;
  }

  /** A child view whose names are prefixed, so a block can name its weights locally. */
  scope(prefix: string): ParamScope {
    return new ParamScope(this, prefix);
  }

  /** A seeded stream for initialisers that need their own draws (e.g. dt bias). */
  random(): Rng {
    return this.rng;
  }

  list(): tf.Variable[] {
    return [...this.vars.values()];
  }

  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

export class ParamScope {
  constructor(readonly store: ParamStore, readonly prefix: string) {}

  create(name: string, shape: number[], init: Init): tf.Variable {
    return this.store.create(`${this.prefix}.${name}`, shape, init);
  }

  scope(prefix: string): ParamScope {
    return new ParamScope(this.store, `${this.prefix}.${prefix}`);
  }

  random(): Rng {
    return this.store.random();
  }
}

export type Params = ParamStore | ParamScope;

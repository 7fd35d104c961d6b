/**
 * Every setting of a training run, in one typed object that round-trips through a URL query
 * (the single source of truth, as in the TensorFlow Playground's state.ts). `LIVE` settings are
 * read afresh at every step; changing any other one needs a restart (reset), and the UI says so.
 */
export interface TrainSettings {
  /** w_c, the contrastive loss weight (live). */
  contrastiveWeight: number;
  /** w_d, the distillation loss weight (live). */
  distillWeight: number;
  /** The teachers' logit scale for distillation targets (live); null: the teachers' own learned scale. */
  teacherScale: number | null;
  /** Peak learning rate of the warm-up + cosine schedule (live). */
  learningRate: number;
  /** The student's image encoder (restart). */
  student: "vim" | "vit";
  batchSize: number;
  seed: number;
  /** Length of the schedule; training stops there. */
  steps: number;
  warmupSteps: number;
  weightDecay: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  /** MobileCLIP's "DR" loss: also the loss over one synthetic caption per image. */
  dr: boolean;
  /**
   * Batches of whole identity groups from the reinforced set (members differ only in what their
   * objects are: the hard negatives where the teachers' graded similarities teach shape); false:
   * the same samples shuffled singly, ordinary batches.
   */
  groupedBatches: boolean;
  /** Evaluate every this many steps (0: only at the end). */
  evalEvery: number;
}

export const LIVE_SETTINGS = ["contrastiveWeight", "distillWeight", "teacherScale", "learningRate"] as const satisfies readonly (keyof TrainSettings)[];
export type LiveSetting = (typeof LIVE_SETTINGS)[number];

export function isLiveSetting(key: keyof TrainSettings): key is LiveSetting {
  return (LIVE_SETTINGS as readonly string[]).includes(key);
}

/** The live trainer's evaluation sets: small, so an evaluation takes seconds; exports and the CLI use the full ones. */
export const LIVE_EVAL_SIZES = {perSet: 100, retrievalCount: 200} as const;

/** The poster's best weights (0.25, 0.75); sizes that train to a useful student in minutes on wasm. */
export const DEFAULT_SETTINGS: Readonly<TrainSettings> = {
  contrastiveWeight: 0.25,
  distillWeight: 0.75,
  teacherScale: null,
  learningRate: 2e-3,
  student: "vim",
  batchSize: 64,
  seed: 1,
  steps: 600,
  warmupSteps: 40,
  weightDecay: 0.1,
  clipNorm: 1,
  dr: false,
  // Measured: after 300 steps in groups, even retrieval is at chance (0.007, against 0.42 on
  // ordinary batches of the same set); groups are for the long sweeps, not a live run.
  groupedBatches: false,
  evalEvery: 100
};

/**
 * The warm-up when none is given: 40 steps, but at most a third of a short run, so `steps: 30`
 * still trains (from 120 steps on, and so for the committed 150-step sweeps, it is 40).
 */
export function defaultWarmup(steps: number): number {
  return Math.min(DEFAULT_SETTINGS.warmupSteps, Math.floor(steps / 3));
}

const boolean = (v: unknown) => (typeof v === "boolean" ? null : "expected true or false");
const parseBoolean = (s: string) => (s === "1" || s === "true" ? true : s === "0" || s === "false" ? false : s);

type Rule = {query: string; check: (v: unknown) => string | null; parse: (s: string) => unknown};

/** A decimal number written out in full; anything else (empty, "0x10", " 5", "Infinity") is NaN. */
const decimal = (text: string) => (/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN);

const number = (min: number, max: number, {integer = false, minExclusive = false} = {}) => (v: unknown) =>
  typeof v === "number" && Number.isFinite(v) && (minExclusive ? v > min : v >= min) && v <= max && (!integer || Number.isInteger(v))
    ? null
    : `expected ${integer ? "an integer" : "a number"} in ${minExclusive ? "(" : "["}${min}, ${max}]`;

const RULES: Record<keyof TrainSettings, Rule> = {
  contrastiveWeight: {query: "wc", check: number(0, 10), parse: decimal},
  distillWeight: {query: "wd", check: number(0, 10), parse: decimal},
  teacherScale: {query: "ts", check: (v) => (v === null ? null : number(0, 1000, {minExclusive: true})(v)), parse: (s) => (s === "learned" ? null : decimal(s))},
  learningRate: {query: "lr", check: number(0, 1, {minExclusive: true}), parse: decimal},
  student: {query: "student", check: (v) => (v === "vim" || v === "vit" ? null : 'expected "vim" or "vit"'), parse: (s) => s},
  batchSize: {query: "batch", check: number(2, 1024, {integer: true}), parse: decimal},
  seed: {query: "seed", check: number(0, 2 ** 32 - 1, {integer: true}), parse: decimal},
  steps: {query: "steps", check: number(1, 1e6, {integer: true}), parse: decimal},
  warmupSteps: {query: "warmup", check: number(0, 1e6, {integer: true}), parse: decimal},
  weightDecay: {query: "decay", check: number(0, 1), parse: decimal},
  clipNorm: {query: "clip", check: number(0, 1e6, {minExclusive: true}), parse: decimal},
  dr: {query: "dr", check: boolean, parse: parseBoolean},
  groupedBatches: {query: "groups", check: boolean, parse: parseBoolean},
  evalEvery: {query: "eval", check: number(0, 1e6, {integer: true}), parse: decimal}
};

function isSetting(key: string): key is keyof TrainSettings {
  return Object.hasOwn(RULES, key);
}

/**
 * One setting read from text (a URL or command-line value), with what is wrong with it or null.
 * Cross-field rules (checkSettings) are not applied.
 */
export function parseSetting(key: keyof TrainSettings, text: string): {value: unknown; problem: string | null} {
  const value = RULES[key].parse(text);
  return {value, problem: RULES[key].check(value)};
}

/** The first rule between fields that `s` breaks: why, and its fields in the order to drop them. */
function crossFieldProblem(s: TrainSettings): {message: string; fields: (keyof TrainSettings)[]} | null {
  if (s.contrastiveWeight === 0 && s.distillWeight === 0) {
    return {message: "settings.contrastiveWeight and settings.distillWeight are both 0: at least one must be > 0", fields: ["distillWeight", "contrastiveWeight"]};
  }
  if (s.warmupSteps > s.steps) return {message: `settings.warmupSteps (${s.warmupSteps}) must not exceed settings.steps (${s.steps})`, fields: ["warmupSteps", "steps"]};
  return null;
}

/** `partial` completed with defaults (the warm-up scaled to the steps), each field checked. */
function complete(partial: Partial<Record<keyof TrainSettings, unknown>>): TrainSettings {
  const settings = {...DEFAULT_SETTINGS} as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial)) {
    if (!isSetting(key)) throw new Error(`settings: unknown setting "${key}"`);
    if (value === undefined) continue;
    const problem = RULES[key].check(value);
    if (problem) throw new Error(`settings.${key}: ${problem}, got ${JSON.stringify(value)}`);
    settings[key] = value;
  }
  if (partial.warmupSteps === undefined) settings.warmupSteps = defaultWarmup(settings.steps as number);
  return settings as unknown as TrainSettings;
}

/** Completes `partial` with defaults and checks every field; the error names the field. */
export function checkSettings(partial: Partial<Record<keyof TrainSettings, unknown>>): TrainSettings {
  const s = complete(partial);
  const problem = crossFieldProblem(s);
  if (problem) throw new Error(problem.message);
  return s;
}

/** The settings that differ from the defaults, as a URL query (`wc=0.5&wd=0.5&student=vit`). */
export function settingsToQuery(settings: TrainSettings): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(RULES) as (keyof TrainSettings)[]) {
    const value = settings[key];
    if (value === DEFAULT_SETTINGS[key]) continue;
    query.set(RULES[key].query, value === null ? "learned" : typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  return query.toString();
}

/**
 * Reads settings from a URL query. A bad value does not stop the page: it is reported in
 * `errors` (naming the parameter) and its default is used instead. Parameters that conflict
 * (a warm-up longer than the steps) drop one of them, named, and keep every other.
 */
export function settingsFromQuery(query: string | URLSearchParams): {settings: TrainSettings; errors: string[]} {
  const params = typeof query === "string" ? new URLSearchParams(query) : query;
  const partial: Partial<Record<keyof TrainSettings, unknown>> = {};
  const errors: string[] = [];
  for (const key of Object.keys(RULES) as (keyof TrainSettings)[]) {
    const raw = params.get(RULES[key].query);
    if (raw === null) continue;
    const {value, problem} = parseSetting(key, raw);
    if (problem) errors.push(`URL parameter ${RULES[key].query}=${raw}: ${problem}; using the default`);
    else partial[key] = value;
  }
  for (;;) {
    const settings = complete(partial);
    const conflict = crossFieldProblem(settings);
    if (!conflict) return {settings, errors};
    // The defaults never conflict, so one of the fields is a parameter that was given.
    const dropped = conflict.fields.find((key) => partial[key] !== undefined);
    if (!dropped) throw new Error(conflict.message);
    errors.push(`URL parameter ${RULES[dropped].query}=${params.get(RULES[dropped].query)}: ${conflict.message}; using the default`);
    delete partial[dropped];
  }
}

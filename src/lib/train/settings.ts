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
  /** Evaluate every this many steps (0: only at the end). */
  evalEvery: number;
}

export const LIVE_SETTINGS = ["contrastiveWeight", "distillWeight", "teacherScale", "learningRate"] as const satisfies readonly (keyof TrainSettings)[];
export type LiveSetting = (typeof LIVE_SETTINGS)[number];

export function isLiveSetting(key: keyof TrainSettings): key is LiveSetting {
  return (LIVE_SETTINGS as readonly string[]).includes(key);
}

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
  evalEvery: 100
};

type Rule = {query: string; check: (v: unknown) => string | null; parse: (s: string) => unknown};

const number = (min: number, max: number, {integer = false, minExclusive = false} = {}) => (v: unknown) =>
  typeof v === "number" && Number.isFinite(v) && (minExclusive ? v > min : v >= min) && v <= max && (!integer || Number.isInteger(v))
    ? null
    : `expected ${integer ? "an integer" : "a number"} in ${minExclusive ? "(" : "["}${min}, ${max}]`;

const RULES: Record<keyof TrainSettings, Rule> = {
  contrastiveWeight: {query: "wc", check: number(0, 10), parse: Number},
  distillWeight: {query: "wd", check: number(0, 10), parse: Number},
  teacherScale: {query: "ts", check: (v) => (v === null ? null : number(0, 1000, {minExclusive: true})(v)), parse: (s) => (s === "learned" ? null : Number(s))},
  learningRate: {query: "lr", check: number(0, 1, {minExclusive: true}), parse: Number},
  student: {query: "student", check: (v) => (v === "vim" || v === "vit" ? null : 'expected "vim" or "vit"'), parse: (s) => s},
  batchSize: {query: "batch", check: number(2, 1024, {integer: true}), parse: Number},
  seed: {query: "seed", check: number(0, 2 ** 32 - 1, {integer: true}), parse: Number},
  steps: {query: "steps", check: number(1, 1e6, {integer: true}), parse: Number},
  warmupSteps: {query: "warmup", check: number(0, 1e6, {integer: true}), parse: Number},
  weightDecay: {query: "decay", check: number(0, 1), parse: Number},
  clipNorm: {query: "clip", check: number(0, 1e6, {minExclusive: true}), parse: Number},
  dr: {query: "dr", check: (v) => (typeof v === "boolean" ? null : "expected true or false"), parse: (s) => (s === "1" || s === "true" ? true : s === "0" || s === "false" ? false : s)},
  evalEvery: {query: "eval", check: number(0, 1e6, {integer: true}), parse: Number}
};

/** Completes `partial` with defaults and checks every field; the error names the field. */
export function checkSettings(partial: Partial<Record<keyof TrainSettings, unknown>>): TrainSettings {
  const settings = {...DEFAULT_SETTINGS} as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial)) {
    const rule = RULES[key as keyof TrainSettings];
    if (!rule) throw new Error(`settings: unknown setting "${key}"`);
    if (value === undefined) continue;
    const problem = rule.check(value);
    if (problem) throw new Error(`settings.${key}: ${problem}, got ${JSON.stringify(value)}`);
    settings[key] = value;
  }
  const s = settings as unknown as TrainSettings;
  if (s.contrastiveWeight === 0 && s.distillWeight === 0) {
    throw new Error("settings.contrastiveWeight and settings.distillWeight are both 0: at least one must be > 0");
  }
  if (s.warmupSteps > s.steps) throw new Error(`settings.warmupSteps (${s.warmupSteps}) must not exceed settings.steps (${s.steps})`);
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
 * `errors` (naming the parameter) and its default is used instead.
 */
export function settingsFromQuery(query: string | URLSearchParams): {settings: TrainSettings; errors: string[]} {
  const params = typeof query === "string" ? new URLSearchParams(query) : query;
  const partial: Partial<Record<keyof TrainSettings, unknown>> = {};
  const errors: string[] = [];
  for (const key of Object.keys(RULES) as (keyof TrainSettings)[]) {
    const raw = params.get(RULES[key].query);
    if (raw === null) continue;
    const value = RULES[key].parse(raw);
    const problem = RULES[key].check(value);
    if (problem) errors.push(`URL parameter ${RULES[key].query}=${raw}: ${problem}; using ${JSON.stringify(DEFAULT_SETTINGS[key])}`);
    else partial[key] = value;
  }
  try {
    return {settings: checkSettings(partial), errors};
  } catch (error) {
    return {settings: {...DEFAULT_SETTINGS}, errors: [...errors, `${(error as Error).message}; using the defaults`]};
  }
}

/**
 * data/bench/live.json, as `npm run bench:live` writes it: the train page driven in headless
 * Chromium for a few minutes with the default (distilled) weights and with contrastive-only, and
 * what each reached. The train page reads it to say what a visitor's wait buys on the lab's own
 * machine; `liveFindings` states that from the recorded samples, checking the record first.
 */

/** One evaluation the page showed: the step it was taken at and the two scores recorded. */
export interface LiveEvaluation {
  readonly seconds: number;
  readonly step: number;
  readonly objects: number | null;
  /** Recorded since December 2026; absent in earlier records. */
  readonly retrieval?: number | null;
}

export interface LiveArm {
  readonly arm: string;
  readonly weights: readonly [number, number];
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly stepsReached: number;
  readonly evaluations: readonly LiveEvaluation[];
}

export interface LiveRecord {
  /** Minutes each arm ran; absent in records written before it was stored (they ran 5). */
  readonly minutes?: number;
  readonly browser: string;
  readonly machine: {readonly cpu: string; readonly cores: number; readonly date: string};
  readonly teachersObjects: number;
  readonly arms: readonly LiveArm[];
  /** Earlier records, newest first, each without its own `earlier`. */
  readonly earlier?: readonly Omit<LiveRecord, "earlier">[];
}

/** What one arm reached in the recorded minutes. */
export interface LiveArmFindings {
  readonly arm: string;
  readonly weights: readonly [number, number];
  readonly steps: number;
  readonly secondsPerStep: number;
  readonly load: number;
  /** The last evaluation shown, or null when none finished in time. */
  readonly last: LiveEvaluation | null;
  readonly objectsShareOfTeachers: number | null;
}

export interface LiveFindings {
  readonly minutes: number;
  readonly date: string;
  readonly machine: string;
  readonly teachersObjects: number;
  /** The product goal: the distilled student at half its teachers' Objects-20 score. */
  readonly goal: number;
  readonly goalMet: boolean;
  readonly arms: readonly LiveArmFindings[];
}

/** The minutes the benchmark ran when the record does not say. */
const DEFAULT_MINUTES = 5;

const isScore = (v: unknown) => v === null || v === undefined || (typeof v === "number" && v >= 0 && v <= 1);

/** Throws naming the first field of `record` that is not what `bench:live` writes. */
export function checkLiveRecord(record: unknown, source = "live.json"): asserts record is LiveRecord {
  const fail = (field: string, expected: string): never => {
    throw new Error(`${source}: ${field} must be ${expected}`);
  };
  if (typeof record !== "object" || record === null) fail("the record", "an object");
  const r = record as Record<string, unknown>;
  if (r.minutes !== undefined && !(typeof r.minutes === "number" && r.minutes > 0)) fail("minutes", "a positive number");
  const machine = r.machine as Record<string, unknown> | undefined;
  if (typeof machine?.cpu !== "string" || typeof machine.cores !== "number" || typeof machine.date !== "string") fail("machine", "{cpu, cores, date}");
  if (typeof r.teachersObjects !== "number" || !(r.teachersObjects > 0 && r.teachersObjects <= 1)) fail("teachersObjects", "a score in (0, 1]");
  if (!Array.isArray(r.arms) || r.arms.length === 0) fail("arms", "a non-empty list");
  (r.arms as unknown[]).forEach((arm, i) => {
    const a = arm as Record<string, unknown>;
    if (typeof a.arm !== "string") fail(`arms[${i}].arm`, "a name");
    if (!Array.isArray(a.weights) || a.weights.length !== 2 || !a.weights.every((w) => typeof w === "number")) fail(`arms[${i}].weights`, "[w_c, w_d]");
    if (!Number.isInteger(a.stepsReached) || (a.stepsReached as number) < 0) fail(`arms[${i}].stepsReached`, "a whole number ≥ 0");
    if (typeof a.loadBefore !== "number" || typeof a.loadAfter !== "number") fail(`arms[${i}].loadBefore/loadAfter`, "numbers");
    if (!Array.isArray(a.evaluations)) fail(`arms[${i}].evaluations`, "a list");
    (a.evaluations as Record<string, unknown>[]).forEach((e, k) => {
      if (typeof e.seconds !== "number" || !Number.isInteger(e.step) || !isScore(e.objects) || !isScore(e.retrieval)) {
        fail(`arms[${i}].evaluations[${k}]`, "{seconds, step, objects, retrieval?} with scores in [0, 1] or null");
      }
    });
  });
}

/** What the newest record says, arm by arm, and whether the distilled arm met the goal. */
export function liveFindings(record: LiveRecord): LiveFindings {
  checkLiveRecord(record);
  const minutes = record.minutes ?? DEFAULT_MINUTES;
  const arms = record.arms.map((a): LiveArmFindings => {
    const last = a.evaluations.at(-1) ?? null;
    return {
      arm: a.arm,
      weights: a.weights,
      steps: a.stepsReached,
      secondsPerStep: a.stepsReached > 0 ? (minutes * 60) / a.stepsReached : Number.POSITIVE_INFINITY,
      load: (a.loadBefore + a.loadAfter) / 2,
      last,
      objectsShareOfTeachers: last?.objects == null ? null : last.objects / record.teachersObjects
    };
  });
  const goal = record.teachersObjects / 2;
  const distilled = arms.find((a) => a.weights[1] > 0);
  return {
    minutes,
    date: record.machine.date.slice(0, 10),
    machine: `${record.machine.cores}-core ${record.machine.cpu}, ${record.browser}`,
    teachersObjects: record.teachersObjects,
    goal,
    goalMet: distilled?.last?.objects != null && distilled.last.objects >= goal,
    arms
  };
}

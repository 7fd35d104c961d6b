import type {RunExport} from "./runExport.js";
import type {TrainSettings} from "./settings.js";
import type {StepMetrics, Trainer, TrainerEvent} from "./trainer.js";

/** What a run's events have told so far: the part of its export that only the events know. */
export interface RunLog {
  curves: StepMetrics[];
  evaluations: RunExport["evaluations"];
  /** The latest state sentence: "started", "paused at step 12", "finished 600 steps", "diverged at step 40: …". */
  outcome: string;
  /** Time spent in steps and evaluations; pauses do not count. */
  seconds: number;
}

export function emptyRunLog(): RunLog {
  return {curves: [], evaluations: [], outcome: "", seconds: 0};
}

/** Whether `event` begins another run of the trainer (a reset or a restored checkpoint): what was recorded belongs to the last one. */
export function beginsNewRun(event: TrainerEvent): boolean {
  return event.type === "state" && (event.cause === "reset" || event.cause === "restored");
}

/** Folds one trainer event into `log`; a new run starts it over. */
export function recordEvent(log: RunLog, event: TrainerEvent): void {
  if (beginsNewRun(event)) Object.assign(log, emptyRunLog());
  switch (event.type) {
    case "step":
      log.curves.push(event.metrics);
      log.seconds += event.seconds;
      break;
    case "eval":
      log.evaluations.push({step: event.step, lines: event.lines});
      log.seconds += event.seconds;
      break;
    case "state":
      log.outcome = event.reason;
  }
}

/** Where a run trains, as its export names it. */
export interface RunPlace {
  backend: string;
  machine: string;
}

/** A run's default file name: its student, weights and seed. */
function runName(settings: TrainSettings): string {
  return `${settings.student}-wc${settings.contrastiveWeight}-wd${settings.distillWeight}-seed${settings.seed}`;
}

/**
 * Records a trainer's run from its events and exports it (runExport.ts's format). The one place a
 * run record is built: the training worker holds one for the pages, the CLI one per run.
 */
export class RunRecorder {
  private readonly log: RunLog;
  private readonly off: () => void;

  /** `earlier`: what a resumed run recorded before it stopped; the record goes on from it. */
  constructor(private readonly trainer: Trainer, private readonly place: RunPlace, earlier?: RunLog) {
    this.log = earlier ? {...earlier, curves: earlier.curves.slice(), evaluations: earlier.evaluations.slice()} : emptyRunLog();
    this.off = trainer.on((event) => recordEvent(this.log, event));
  }

  /** The run so far, with the trainer's current settings and step. */
  export(name = runName(this.trainer.settings)): RunExport {
    const {curves, evaluations, outcome, seconds} = this.log;
    return {
      format: "dm-clip-run",
      version: 1,
      name,
      settings: {...this.trainer.settings},
      environment: {...this.place, seconds, stepsDone: this.trainer.step, createdAt: new Date().toISOString()},
      curves: curves.slice(),
      evaluations: evaluations.slice(),
      outcome
    };
  }

  dispose(): void {
    this.off();
  }
}

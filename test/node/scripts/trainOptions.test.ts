import {spawnSync} from "node:child_process";
import {mkdirSync, mkdtempSync, readdirSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {UsageError} from "../../../scripts/cli.js";
import {prepareOutput, trainOptions} from "../../../scripts/trainOptions.js";

const train = (...argv: string[]) => trainOptions(["--out", "x", ...argv]);

describe("npm run train's options", () => {
  it("read every flag into the settings, defaults filled in", () => {
    const o = train("--weights", "1,0", "--steps", "30", "--seed", "7", "--student", "vit", "--lr", "1e-3", "--dr", "0", "--teacher-scale", "learned", "--per-set", "20", "--retrieval", "40", "--force");
    expect(o.settings).toMatchObject({contrastiveWeight: 1, distillWeight: 0, steps: 30, seed: 7, student: "vit", learningRate: 1e-3, dr: false, teacherScale: null, evalEvery: 0});
    expect([o.out, o.force, o.data, o.perSet, o.retrieval, o.checkpointEvery, o.resume]).toEqual(["x", true, "data/reinforced", 20, 40, 0, false]);
    expect(train("--checkpoint-every", "50", "--resume")).toMatchObject({checkpointEvery: 50, resume: true});
    expect(train("--dr").settings.dr).toBe(true);
    expect(train("--dr", "true").settings.dr).toBe(true);
  });

  it("scale the default warm-up to a short run instead of refusing it", () => {
    expect(train("--steps", "30").settings.warmupSteps).toBe(10);
    expect(train("--steps", "600").settings.warmupSteps).toBe(40);
  });

  it("refuse a bad flag with a UsageError naming the flag and the text given", () => {
    const cases: [string[], string][] = [
      [["--weights", "0.5"], '--weights "0.5": expected <contrastive>,<distill>, e.g. 0.25,0.75'],
      [["--weights", "0.5,x"], '--weights "0.5,x": distillWeight expected a number in [0, 10]'],
      [["--per-set", "foo"], '--per-set "foo": expected a positive integer'],
      [["--retrieval", "-3"], '--retrieval "-3": expected a positive integer'],
      [["--checkpoint-every", "0"], '--checkpoint-every "0": expected a positive integer'],
      [["--resume", "yes"], '--resume "yes": --resume takes no value'],
      [["--dr", "maybe"], '--dr "maybe": dr expected true or false'],
      [["--steps", ""], '--steps "": steps expected an integer in [1, 1000000]'],
      [["--lr", "0x1"], '--lr "0x1": learningRate expected a number in (0, 1]'],
      [["--student", "resnet"], '--student "resnet": student expected "vim" or "vit"'],
      [["--force", "yes"], '--force "yes": --force takes no value'],
      [["--steps", "30", "--warmup", "50"], "settings.warmupSteps (50) must not exceed settings.steps (30) (given: --steps 30 --warmup 50)"],
      [["--steps", "5", "--steps", "6"], "--steps is given twice"],
      [["--colour", "red"], "unknown option --colour"],
      [["stray"], 'unexpected argument "stray"']
    ];
    for (const [argv, message] of cases) {
      let error: unknown;
      try {
        train(...argv);
      } catch (e) {
        error = e;
      }
      expect(error, argv.join(" ")).toBeInstanceOf(UsageError);
      expect((error as Error).message, argv.join(" ")).toContain(message);
    }
    expect(() => trainOptions([])).toThrow("--out <folder> is required");
  });
});

describe("npm run train's output folder", () => {
  const root = mkdtempSync(join(tmpdir(), "train-out-"));

  it("is created, or taken when empty", () => {
    prepareOutput(join(root, "new/run"), false);
    expect(readdirSync(join(root, "new/run"))).toEqual([]);
    prepareOutput(join(root, "new/run"), false);
  });

  it("is refused when it is a file, unwritable, or already holds a run (unless --force)", () => {
    writeFileSync(join(root, "file"), "x");
    expect(() => prepareOutput(join(root, "file"), true)).toThrow(/--out ".*file": exists and is not a folder/);
    expect(() => prepareOutput(join(root, "file/run"), false)).toThrow(/--out ".*file\/run": cannot read it \(ENOTDIR/);
    // Node 20's recursive mkdir never returns here.
    expect(() => prepareOutput("/proc/x", false)).toThrow(/--out "\/proc\/x": cannot write there/);
    mkdirSync(join(root, "old"));
    writeFileSync(join(root, "old/run.json"), "{}");
    expect(() => prepareOutput(join(root, "old"), false)).toThrow(/the folder is not empty \(it holds run.json\); choose another or pass --force/);
    prepareOutput(join(root, "old"), true);
    expect(readdirSync(join(root, "old"))).toEqual(["run.json"]);
  });

  it("is checked by the CLI before anything else: one line, exit code 2, no stack trace", () => {
    writeFileSync(join(root, "taken"), "x");
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/train.ts", "--steps", "2", "--out", join(root, "taken")], {encoding: "utf8"});
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([`error: --out "${join(root, "taken")}": exists and is not a folder`]);
  });
});

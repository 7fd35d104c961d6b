import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {checkLiveRecord, liveFindings, type LiveRecord} from "../../../src/lib/train/liveRecord.js";

const arm = (name: string, weights: [number, number], steps: number, evaluations: LiveRecord["arms"][number]["evaluations"]) => ({
  arm: name,
  weights,
  loadBefore: 1,
  loadAfter: 2,
  stepsReached: steps,
  evaluations
});

const record: LiveRecord = {
  minutes: 4,
  browser: "headless Chromium 1",
  machine: {cpu: "Xeon", cores: 2, date: "2026-12-02T01:00:00.000Z"},
  teachersObjects: 0.8,
  arms: [
    arm("distilled (default)", [0.25, 0.75], 240, [
      {seconds: 100, step: 100, objects: 0.1, retrieval: 0.2},
      {seconds: 200, step: 200, objects: 0.4, retrieval: 0.3}
    ]),
    arm("contrastive only", [1, 0], 200, [{seconds: 100, step: 100, objects: 0.05, retrieval: 0.1}])
  ]
};

describe("liveFindings", () => {
  it("takes each arm's last evaluation, its pace and share of the teachers, and judges the goal on the distilled arm", () => {
    const f = liveFindings(record);
    expect(f).toMatchObject({minutes: 4, date: "2026-12-02", machine: "2-core Xeon, headless Chromium 1", teachersObjects: 0.8, goal: 0.4, goalMet: true});
    expect(f.arms[0]).toMatchObject({steps: 240, secondsPerStep: 1, load: 1.5, last: {step: 200, objects: 0.4, retrieval: 0.3}});
    expect(f.arms[0].objectsShareOfTeachers).toBeCloseTo(0.5, 12);
    expect(f.arms[1]).toMatchObject({steps: 200, secondsPerStep: 1.2, last: {step: 100}});
    expect(f.arms[1].objectsShareOfTeachers).toBeCloseTo(0.0625, 12);
  });

  it("misses the goal just under half, and with no evaluation in time", () => {
    const under = {...record, arms: [arm("d", [0.25, 0.75], 10, [{seconds: 1, step: 5, objects: 0.399}]), record.arms[1]]};
    expect(liveFindings(under).goalMet).toBe(false);
    const none = liveFindings({...record, arms: [arm("d", [0.25, 0.75], 0, []), record.arms[1]]});
    expect(none.goalMet).toBe(false);
    expect(none.arms[0]).toMatchObject({last: null, objectsShareOfTeachers: null, secondsPerStep: Number.POSITIVE_INFINITY});
  });

  it("reads records from before minutes and retrieval were stored as five-minute runs", () => {
    const {minutes: _m, ...old} = record;
    const f = liveFindings({...old, arms: [arm("d", [0.25, 0.75], 100, [{seconds: 90, step: 25, objects: 0.04}])]});
    expect(f.minutes).toBe(5);
    expect(f.arms[0].secondsPerStep).toBe(3);
    expect(f.arms[0].last?.retrieval).toBeUndefined();
  });

  it("reads the committed benchmark", () => {
    const committed = JSON.parse(readFileSync("data/bench/live.json", "utf8"));
    const f = liveFindings(committed);
    expect(f.arms.map((a) => a.weights)).toEqual([[0.25, 0.75], [1, 0]]);
    for (const earlier of committed.earlier ?? []) expect(() => checkLiveRecord(earlier)).not.toThrow();
  });
});

describe("checkLiveRecord", () => {
  it.each([
    [null, /the record must be an object/],
    [{...record, minutes: 0}, /minutes must be a positive number/],
    [{...record, machine: {cpu: "x"}}, /machine must be \{cpu, cores, date\}/],
    [{...record, teachersObjects: 1.5}, /teachersObjects must be a score in \(0, 1\]/],
    [{...record, arms: []}, /arms must be a non-empty list/],
    [{...record, arms: [{...record.arms[0], weights: [1]}]}, /arms\[0\]\.weights must be \[w_c, w_d\]/],
    [{...record, arms: [{...record.arms[0], stepsReached: -1}]}, /arms\[0\]\.stepsReached must be a whole number/],
    [{...record, arms: [{...record.arms[0], evaluations: [{seconds: 1, step: 1, objects: 2}]}]}, /arms\[0\]\.evaluations\[0\] must be/]
  ])("names the field that is wrong (%#)", (bad, message) => {
    expect(() => checkLiveRecord(bad, "live.json")).toThrow(message);
  });
});

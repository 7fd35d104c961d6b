import {describe, expect, it} from "vitest";
import {diskReader, loadSourcesFromDisk} from "../../../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../../../src/lib/data/reinforcedLoader.js";
import {reinforcedSource} from "../../../src/lib/train/batchSource.js";

describe("reinforcedSource over the committed set", () => {
  it("refuses a batch size that is not a multiple of the groups when the run is built, not at its first step", async () => {
    const set = await ReinforcedSet.open(diskReader("data/reinforced"));
    const sources = await loadSourcesFromDisk();
    expect(() => reinforcedSource(set, sources, {batchSize: 24, seed: 1, groupedBatches: true})).toThrow(/settings\.batchSize: 24 is not a multiple of the reinforced set's identity groups \(16 samples\)/);
    expect(() => reinforcedSource(set, sources, {batchSize: 24, seed: 1, groupedBatches: false})).not.toThrow();
  });
});

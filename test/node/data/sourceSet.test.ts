import {statSync} from "node:fs";
import {join} from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {loadSourcesFromDisk, SOURCES_DIR} from "../../../src/lib/data/nodeFiles.js";
import {decodeSourceSet, encodeSourceSet, GLYPH_SIZE, makeSplit, type SourceSet} from "../../../src/lib/data/sourceSet.js";
import {SOURCE_NAMES, sourceFile, type Sources} from "../../../src/lib/data/sources.js";

let sources: Sources;
beforeAll(async () => {
  sources = await loadSourcesFromDisk();
});

describe("committed source sets", () => {
  it("hold 200 test glyphs per class and up to 800 training glyphs per class", () => {
    for (const name of SOURCE_NAMES) {
      const set = sources[name];
      expect(set.classes).toHaveLength(10);
      for (let c = 0; c < 10; c++) {
        expect(set.splits.test.byClass[c]).toHaveLength(200);
        expect(set.splits.train.byClass[c].length).toBeGreaterThanOrEqual(name === "digits" ? 600 : 800);
        expect(set.splits.train.byClass[c].length).toBeLessThanOrEqual(800);
      }
    }
    expect(sources.fashion.splits.train.count).toBe(8000);
    expect(sources.fashion.splits.train.origin).not.toBe(sources.fashion.splits.test.origin);
  });

  it("keep train and test apart: no shared origin index and no identical glyph", () => {
    for (const name of SOURCE_NAMES) {
      const {train, test} = sources[name].splits;
      const trainOrigins = new Set(train.originIndex);
      expect(trainOrigins.size).toBe(train.count);
      if (train.origin === test.origin) expect(test.originIndex.some((i) => trainOrigins.has(i))).toBe(false);
      const n = GLYPH_SIZE * GLYPH_SIZE;
      const key = (pixels: Uint8Array, i: number) => Buffer.from(pixels.subarray(i * n, (i + 1) * n)).toString("base64");
      const trainGlyphs = new Set(Array.from({length: train.count}, (_, i) => key(train.pixels, i)));
      const shared = Array.from({length: test.count}, (_, i) => key(test.pixels, i)).filter((k) => trainGlyphs.has(k));
      expect(shared, `${name}: test glyphs identical to training glyphs`).toEqual([]);
    }
  });

  it("stay small: under 8 MB together", () => {
    const bytes = SOURCE_NAMES.reduce((sum, name) => sum + statSync(join(SOURCES_DIR, sourceFile(name))).size, 0);
    expect(bytes).toBeLessThan(8e6);
  });
});

describe("source set format", () => {
  const tiny = (): SourceSet => {
    const n = GLYPH_SIZE * GLYPH_SIZE;
    const pixels = (count: number, base: number) => Uint8Array.from({length: count * n}, (_, i) => (i * 7 + base) % 256);
    return {
      name: "tiny",
      classes: ["a", "b"],
      splits: {
        train: makeSplit(Uint8Array.from([0, 1, 1]), Uint32Array.from([5, 6, 70000]), "somewhere", pixels(3, 1), 2),
        test: makeSplit(Uint8Array.from([1]), Uint32Array.from([9]), "elsewhere", pixels(1, 2), 2)
      }
    };
  };

  it("round-trips through encode and decode", async () => {
    const set = tiny();
    const back = await decodeSourceSet(await encodeSourceSet(set), "tiny.bin");
    expect(back.classes).toEqual(set.classes);
    for (const split of ["train", "test"] as const) {
      expect(back.splits[split].labels).toEqual(set.splits[split].labels);
      expect(back.splits[split].originIndex).toEqual(set.splits[split].originIndex);
      expect(back.splits[split].pixels).toEqual(set.splits[split].pixels);
      expect(back.splits[split].origin).toBe(set.splits[split].origin);
      expect(back.splits[split].byClass).toEqual(set.splits[split].byClass);
    }
  });

  it("rejects a truncated or corrupt file, naming it and the part that is wrong", async () => {
    const bytes = await encodeSourceSet(tiny());
    await expect(decodeSourceSet(bytes.subarray(0, bytes.length - 20), "tiny.bin")).rejects.toThrow(/tiny\.bin: payload/);
    await expect(decodeSourceSet(bytes.subarray(0, 30), "tiny.bin")).rejects.toThrow(/tiny\.bin: header/);
    const flipped = bytes.slice();
    flipped[0] ^= 1;
    await expect(decodeSourceSet(flipped, "tiny.bin")).rejects.toThrow(/tiny\.bin: magic/);
  });
});

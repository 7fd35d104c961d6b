import {beforeAll, describe, expect, it} from "vitest";
import {CLASSES} from "../../../src/lib/data/classes.js";
import {ITEM_COLOURS} from "../../../src/lib/data/colours.js";
import {EXTENTS, ANCHORS, sceneLayout} from "../../../src/lib/data/layout.js";
import {loadSourcesFromDisk} from "../../../src/lib/data/nodeFiles.js";
import {renderLayout, renderScene} from "../../../src/lib/data/render.js";
import {BACKGROUND_KINDS, identityVariants, POSITIONS, sampleScene, sceneSeed, type Scene} from "../../../src/lib/data/scene.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {sceneStreamSource} from "../../../src/lib/train/batchSource.js";
import {classIndices, type Sources} from "../../../src/lib/data/sources.js";

let sources: Sources;
beforeAll(async () => {
  sources = await loadSourcesFromDisk();
});

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("scene generator", () => {
  it("is deterministic: the same seed gives the same scene and identical bytes at any size", () => {
    for (const seed of [1, 42, 0xfffffff0]) {
      const a = sampleScene(seed, sources, "train");
      const b = sampleScene(seed, sources, "train");
      expect(b).toEqual(a);
      for (const size of [64, 128]) expect(bytes(renderScene(b, sources, size).data).equals(bytes(renderScene(a, sources, size).data))).toBe(true);
    }
    const other = renderScene(sampleScene(2, sources, "train"), sources, 64).data;
    expect(bytes(other).equals(bytes(renderScene(sampleScene(1, sources, "train"), sources, 64).data))).toBe(false);
  });

  it("draws one or two items from the split, with valid, non-overlapping positions, covering every option", () => {
    const seen = {classes: new Set<number>(), colours: new Set<string>(), positions: new Set<string>(), sizes: new Set<string>(), bgs: new Set<string>(), counts: new Set<number>()};
    for (let i = 0; i < 600; i++) {
      const scene = sampleScene(sceneSeed(7, i), sources, i % 2 ? "train" : "test");
      seen.counts.add(scene.items.length);
      seen.bgs.add(scene.background.kind);
      expect([1, 2]).toContain(scene.items.length);
      if (scene.items.length === 2) {
        const pair = scene.items.map((it) => it.position).sort().join("+");
        expect(["left+right", "bottom+top"]).toContain(pair);
      }
      for (const item of scene.items) {
        expect(classIndices(sources, scene.split, item.classId)).toContain(item.index);
        expect(ITEM_COLOURS.map((c) => c.name)).toContain(item.colour);
        seen.classes.add(item.classId);
        seen.colours.add(item.colour);
        seen.positions.add(item.position);
        seen.sizes.add(item.size);
      }
    }
    expect(seen.classes.size).toBe(CLASSES.length);
    expect(seen.colours.size).toBe(ITEM_COLOURS.length);
    expect(seen.positions.size).toBe(POSITIONS.length);
    expect(seen.sizes.size).toBe(2);
    expect(seen.bgs.size).toBe(BACKGROUND_KINDS.length);
    expect(seen.counts.size).toBe(2);
  });

  it("puts each item where its position says, tinted its colour", () => {
    for (let i = 0; i < 40; i++) {
      const scene: Scene = sampleScene(sceneSeed(11, i), sources, "test");
      const size = 64;
      const full = renderScene(scene, sources, size).data;
      const empty = renderLayout({...sceneLayout(scene), glyphs: []}, sources, size).data;
      for (const item of scene.items) {
        const half = (EXTENTS[item.size] / 2) * size + 1;
        const [ax, ay] = ANCHORS[item.position];
        const cx = (ax + item.offset[0]) * size;
        const cy = (ay + item.offset[1]) * size;
        const rgb = ITEM_COLOURS.find((c) => c.name === item.colour)!.rgb;
        // Every pixel of the box is background·(1−a) + tint·a: project onto that line and check
        // the rest is zero, and that the glyph is really drawn (some a close to 1).
        let maxAlpha = 0;
        let maxResidual = 0;
        for (let y = Math.max(0, Math.floor(cy - half)); y < Math.min(size, cy + half); y++) {
          for (let x = Math.max(0, Math.floor(cx - half)); x < Math.min(size, cx + half); x++) {
            const o = 3 * (y * size + x);
            const towards = [0, 1, 2].map((c) => rgb[c] - empty[o + c]);
            const moved = [0, 1, 2].map((c) => full[o + c] - empty[o + c]);
            const norm = Math.hypot(...towards);
            if (norm < 0.2) continue;
            const a = (moved[0] * towards[0] + moved[1] * towards[1] + moved[2] * towards[2]) / norm ** 2;
            maxResidual = Math.max(maxResidual, Math.hypot(...moved.map((m, c) => m - a * towards[c])));
            maxAlpha = Math.max(maxAlpha, a);
          }
        }
        expect(maxResidual).toBeLessThan(1e-5);
        expect(maxAlpha, JSON.stringify(item)).toBeGreaterThan(0.6);
      }
      // Outside every item's box, nothing changed.
      let changedOutside = 0;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = scene.items.some((item) => {
            const half = (EXTENTS[item.size] / 2) * size + 1;
            const [ax, ay] = ANCHORS[item.position];
            return Math.abs(x + 0.5 - (ax + item.offset[0]) * size) <= half && Math.abs(y + 0.5 - (ay + item.offset[1]) * size) <= half;
          });
          const o = 3 * (y * size + x);
          if (!inside && [0, 1, 2].some((c) => full[o + c] !== empty[o + c])) changedOutside++;
        }
      }
      expect(changedOutside).toBe(0);
    }
  });

  it("means what its position words say: a lone item's ink centre lies on that side", () => {
    const region = {left: [0, 0.42, 0.3, 0.7], right: [0.58, 1, 0.3, 0.7], top: [0.3, 0.7, 0, 0.42], bottom: [0.3, 0.7, 0.58, 1], centre: [0.4, 0.6, 0.4, 0.6]};
    for (let i = 0; i < 60; i++) {
      const scene = sampleScene(sceneSeed(13, i), sources, "train", {itemCount: 1});
      const size = 64;
      const full = renderScene(scene, sources, size).data;
      const empty = renderLayout({...sceneLayout(scene), glyphs: []}, sources, size).data;
      let w = 0;
      let sx = 0;
      let sy = 0;
      for (let p = 0; p < size * size; p++) {
        const change = Math.abs(full[3 * p] - empty[3 * p]) + Math.abs(full[3 * p + 1] - empty[3 * p + 1]) + Math.abs(full[3 * p + 2] - empty[3 * p + 2]);
        w += change;
        sx += change * ((p % size) + 0.5);
        sy += change * (Math.floor(p / size) + 0.5);
      }
      const [x0, x1, y0, y1] = region[scene.items[0].position];
      const [cx, cy] = [sx / w / size, sy / w / size];
      expect(cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1, `${scene.items[0].position}: ink centre (${cx}, ${cy})`).toBe(true);
    }
  });

  it("draws the same scene at every size: a 128² render pooled 2×2 matches the 64² one", () => {
    for (let i = 0; i < 10; i++) {
      const scene = sampleScene(sceneSeed(3, i), sources, "train");
      const small = renderScene(scene, sources, 64).data;
      const large = renderScene(scene, sources, 128).data;
      let diff = 0;
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          for (let c = 0; c < 3; c++) {
            const at = (yy: number, xx: number) => large[3 * (yy * 128 + xx) + c];
            const pooled = (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
            diff += Math.abs(pooled - small[3 * (y * 64 + x) + c]);
          }
        }
      }
      expect(diff / (64 * 64 * 3)).toBeLessThan(0.02);
    }
  });

  it("rejects glyphs that are not in the scene's split or class, naming them", () => {
    const scene = sampleScene(5, sources, "test", {identities: [{classId: 3, index: sources.digits.splits.test.count + 10}]});
    expect(() => renderScene(scene, sources)).toThrow(/glyph index .* digits "3" in the test split/);
    expect(() => sampleScene(5, sources, "test", {identities: [{classId: 20, index: 0}]})).toThrow(/classId must be an integer in 0\.\.19/);
  });

  it("makes identity variants that differ only in what the items are, each slot a different class", () => {
    for (const seed of [3, 4, 9]) {
      const scene = sampleScene(seed, sources, "train", {itemCount: seed === 3 ? 1 : 2});
      const variants = identityVariants(scene, sources, 8, new Rng(seed));
      expect(variants[0]).toEqual(scene);
      for (const [j, item] of scene.items.entries()) {
        expect(new Set(variants.map((v) => v.items[j].classId)).size).toBe(8);
        for (const v of variants) {
          const {classId, index, ...layout} = v.items[j];
          const {classId: _c, index: _i, ...original} = item;
          expect(layout).toEqual(original);
          expect(classIndices(sources, "train", classId)).toContain(index);
        }
      }
      for (const v of variants) expect(v.background).toEqual(scene.background);
    }
    expect(() => identityVariants(sampleScene(1, sources, "train"), sources, 21, new Rng(1))).toThrow(/count must be an integer in 1\.\.20, got 21/);
  });

  it("streams teacher batches in identity groups: inside a group the captions differ only by the objects", async () => {
    const batch = await sceneStreamSource(sources, {batchSize: 16, seed: 7, identityGroup: 4}).next();
    expect(batch.images.count).toBe(16);
    const objectWords = new Set(CLASSES.flatMap((c) => [...c.nouns, ...c.kinds].flatMap((n) => n.split(" "))));
    // Ground-truth captions (half of them) of one group share every word that is not an object's.
    const frame = (caption: string) => caption.split(" ").filter((w) => !objectWords.has(w) && w !== "a" && w !== "an").join(" ");
    let compared = 0;
    for (let g = 0; g < 4; g++) {
      const group = batch.captions.slice(4 * g, 4 * g + 4).filter((c) => c.startsWith("a ") && !batch.syntheticCaptions.includes(c));
      for (const c of group.slice(1)) {
        expect(frame(c)).toBe(frame(group[0]));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
    expect(() => sceneStreamSource(sources, {batchSize: 10, seed: 1, identityGroup: 4})).toThrow(/identityGroup must be a positive integer dividing batchSize=10, got 4/);
  });
});

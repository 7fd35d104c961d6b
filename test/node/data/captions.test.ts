import {beforeAll, describe, expect, it} from "vitest";
import {splitWords} from "../../../src/lib/clip/tokenizer.js";
import {groundTruthCaption, syntheticCaptions, SYNTHETIC_CAPTIONS} from "../../../src/lib/data/captions.js";
import {CLASSES, className} from "../../../src/lib/data/classes.js";
import {loadSourcesFromDisk} from "../../../src/lib/data/nodeFiles.js";
import {classPrompts} from "../../../src/lib/data/prompts.js";
import {sampleScene, sceneSeed, type Scene, type SceneItem} from "../../../src/lib/data/scene.js";
import type {Sources} from "../../../src/lib/data/sources.js";
import {captionVocabulary} from "../../../src/lib/data/vocabulary.js";
import {parseCaption, type Mention} from "./captionParser.js";

let sources: Sources;
let scenes: Scene[];
beforeAll(async () => {
  sources = await loadSourcesFromDisk();
  scenes = Array.from({length: 1500}, (_, i) => sampleScene(sceneSeed(21, i), sources, "train"));
});

/** Whether everything `m` states is true of `item`. */
function fits(m: Mention, item: SceneItem): boolean {
  return m.classes.has(item.classId) && (m.size ?? item.size) === item.size && (m.colour ?? item.colour) === item.colour && (m.position ?? item.position) === item.position;
}

/** Assigns mentions to distinct items they fit (backtracking over at most two items). */
function assign(mentions: Mention[], items: readonly SceneItem[], used: number[] = []): number[] | null {
  if (used.length === mentions.length) return used;
  for (let i = 0; i < items.length; i++) {
    if (!used.includes(i) && fits(mentions[used.length], items[i])) {
      const rest = assign(mentions, items, [...used, i]);
      if (rest) return rest;
    }
  }
  return null;
}

describe("captions", () => {
  it("ground truth states every item exactly, in reading order", () => {
    for (const scene of scenes) {
      const caption = groundTruthCaption(scene);
      const parsed = parseCaption(caption);
      const order = [...scene.items].sort((a, b) => ["left", "right", "top", "bottom", "centre"].indexOf(a.position) - ["left", "right", "top", "bottom", "centre"].indexOf(b.position));
      expect(parsed.mentions.length, caption).toBe(scene.items.length);
      parsed.mentions.forEach((m, k) => {
        expect(m, caption).toEqual({size: order[k].size, colour: order[k].colour, classes: new Set([order[k].classId]), position: order[k].position});
      });
      expect(caption).toContain(className(order[0].classId));
    }
  });

  it("synthetic captions are five different, true, and at least partly different descriptions", () => {
    const styles = {relation: 0, partial: 0, background: 0, positionless: 0};
    for (const scene of scenes) {
      const captions = syntheticCaptions(scene);
      expect(captions).toHaveLength(SYNTHETIC_CAPTIONS);
      expect(syntheticCaptions(scene)).toEqual(captions);
      expect(new Set([groundTruthCaption(scene), ...captions]).size).toBe(SYNTHETIC_CAPTIONS + 1);
      for (const caption of captions) {
        const parsed = parseCaption(caption);
        expect(assign(parsed.mentions, scene.items), `"${caption}" does not fit ${JSON.stringify(scene.items)}`).not.toBeNull();
        if (parsed.background) expect(parsed.background, caption).toBe(scene.background.kind);
        styles.relation += parsed.relations.length > 0 ? 1 : 0;
        styles.partial += parsed.mentions.length < scene.items.length ? 1 : 0;
        styles.background += parsed.background ? 1 : 0;
        styles.positionless += parsed.mentions.every((m) => !m.position) ? 1 : 0;
      }
    }
    for (const [style, count] of Object.entries(styles)) expect(count, style).toBeGreaterThan(100);
  });

  it("the vocabulary holds every word of every caption and prompt, and nothing never used", () => {
    const vocabulary = captionVocabulary(splitWords);
    const used = new Set<string>();
    const texts = [...scenes.flatMap((s) => [groundTruthCaption(s), ...syntheticCaptions(s)]), ...CLASSES.flatMap((c) => classPrompts(c.id))];
    for (const text of texts) for (const w of splitWords(text)) used.add(w);
    expect([...used].filter((w) => !vocabulary.includes(w))).toEqual([]);
    expect(vocabulary.filter((w) => !used.has(w))).toEqual([]);
    expect(vocabulary).toEqual([...new Set(vocabulary)].sort());
  });

  it("prompts name the class with the right article", () => {
    expect(classPrompts(8)).toContain("an 8");
    expect(classPrompts(19)).toContain("a photo of an ankle boot");
    expect(classPrompts(17)).toContain("a large sneaker");
  });
});

import {Rng} from "../random/rng.js";
import {objectClass} from "./classes.js";
import {colourByName} from "./colours.js";
import {BACKGROUND_WORDS, GLUE, POSITION_PHRASES, PREFIXES, RELATION_PHRASES, SIZE_WORDS, withArticle} from "./lexicon.js";
import {POSITIONS, sceneSeed, type Scene, type SceneItem} from "./scene.js";

/** How many synthetic captions each scene gets (DataCompDR's syn_text has 5). */
export const SYNTHETIC_CAPTIONS = 5;

/** Items in reading order: left before right, top before bottom. */
function readingOrder(scene: Scene): SceneItem[] {
  return [...scene.items].sort((a, b) => POSITIONS.indexOf(a.position) - POSITIONS.indexOf(b.position));
}

/**
 * The one exact description of a scene, canonical words only, e.g.
 * "a small red sneaker on the left and a large blue 7 on the right".
 */
export function groundTruthCaption(scene: Scene): string {
  return readingOrder(scene)
    .map((item) => `${canonicalNoun(item)} ${POSITION_PHRASES[item.position][0]}`)
    .join(` ${GLUE.and} `);
}

/** "[article] [size] [colour] noun", leaving out whatever is null. */
function nounPhrase(size: string | null, colour: string | null, noun: string): string {
  return withArticle([size, colour, noun].filter((w) => w !== null).join(" "));
}

function canonicalNoun(item: SceneItem): string {
  return nounPhrase(SIZE_WORDS[item.size][0], colourByName(item.colour).words[0], objectClass(item.classId).nouns[0]);
}

/** A randomly worded noun phrase: any synonym, size mentioned half the time. */
function looseNoun(rng: Rng, item: SceneItem, opts: {kindOdds?: number; colourOdds?: number} = {}): string {
  const c = objectClass(item.classId);
  return nounPhrase(
    rng.next() < 0.5 ? rng.pick(SIZE_WORDS[item.size]) : null,
    rng.next() < (opts.colourOdds ?? 1) ? rng.pick(colourByName(item.colour).words) : null,
    rng.pick(rng.next() < (opts.kindOdds ?? 0) ? c.kinds : c.nouns)
  );
}

const place = (rng: Rng, item: SceneItem) => rng.pick(POSITION_PHRASES[item.position]);
const background = (rng: Rng, scene: Scene) => GLUE.background(rng.pick(BACKGROUND_WORDS[scene.background.kind]));
const maybePrefix = (rng: Rng, text: string) => (rng.next() < 0.3 ? `${rng.pick(PREFIXES.slice(0, 3))} ${text}` : text);

type Style = (rng: Rng, scene: Scene) => string;

/**
 * The five ways a synthetic caption is worded, like a captioner's varied outputs: every scene
 * gets one caption of each, so each scene sees paraphrases, other word orders, relations,
 * partial descriptions and attribute-light descriptions.
 */
const STYLES: readonly Style[] = [
  // Paraphrase: synonyms, items in any order, sometimes an opening and the background.
  (rng, scene) => {
    const text = rng.shuffle([...scene.items]).map((item) => `${looseNoun(rng, item)} ${place(rng, item)}`).join(` ${GLUE.and} `);
    return maybePrefix(rng, rng.next() < 0.3 ? `${text} ${background(rng, scene)}` : text);
  },
  // Position first: "on the left is a red shoe and on the right is a big seven".
  (rng, scene) => rng.shuffle([...scene.items]).map((item) => `${place(rng, item)} ${GLUE.is} ${looseNoun(rng, item)}`).join(` ${GLUE.and} `),
  // Relation between the two items, or the lone item with its background.
  (rng, scene) => {
    if (scene.items.length === 1) return `${looseNoun(rng, scene.items[0])} ${place(rng, scene.items[0])} ${background(rng, scene)}`;
    const [a, b] = rng.shuffle([...scene.items]);
    return `${looseNoun(rng, a)} ${RELATION_PHRASES[a.position as keyof typeof RELATION_PHRASES]} ${looseNoun(rng, b)}`;
  },
  // Partial: one item only, often by a vague word ("a red shoe", "a small digit at the top").
  (rng, scene) => {
    const item = rng.pick(scene.items);
    const noun = looseNoun(rng, item, {kindOdds: 0.5, colourOdds: 0.7});
    return rng.next() < 0.5 ? `${noun} ${place(rng, item)}` : maybePrefix(rng, noun);
  },
  // No positions: "two objects: a pink bag and a white 3", or the lone item.
  (rng, scene) => {
    const nouns = rng.shuffle([...scene.items]).map((item) => looseNoun(rng, item, {kindOdds: 0.2}));
    if (nouns.length === 1) return maybePrefix(rng, nouns[0]);
    const text = nouns.join(` ${GLUE.and} `);
    return rng.next() < 0.5 ? `${PREFIXES[3]} ${text}` : text;
  }
];

/**
 * Five synthetic captions of a scene (one per style, in a seeded order), all different from
 * each other and from the ground truth where the scene allows; a pure function of the scene.
 */
export function syntheticCaptions(scene: Scene): string[] {
  const rng = new Rng(sceneSeed(scene.seed, 0x5c));
  const taken = new Set([groundTruthCaption(scene)]);
  const captions = rng.shuffle([...STYLES]).map((style) => {
    let text = style(rng, scene);
    for (let tries = 0; taken.has(text) && tries < 20; tries++) text = style(rng, scene);
    taken.add(text);
    return text;
  });
  return captions;
}

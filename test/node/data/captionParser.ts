import {CLASSES} from "../../../src/lib/data/classes.js";
import {ITEM_COLOURS} from "../../../src/lib/data/colours.js";
import {BACKGROUND_WORDS, GLUE, POSITION_PHRASES, PREFIXES, RELATION_PHRASES, SIZE_WORDS, withArticle} from "../../../src/lib/data/lexicon.js";
import type {BackgroundKind, ItemSize, Position} from "../../../src/lib/data/scene.js";

/** What a caption says about one item; absent fields are simply not stated. */
export interface Mention {
  size?: ItemSize;
  colour?: string;
  /** Classes the noun can denote (one for a specific noun, several for "shoe", "digit", …). */
  classes: Set<number>;
  position?: Position;
}

export interface ParsedCaption {
  mentions: Mention[];
  /** mentions[a] is at `position` relative to mentions[b] ("a red 7 to the left of a shoe"). */
  relations: {a: number; b: number; position: keyof typeof RELATION_PHRASES}[];
  background?: BackgroundKind;
}

const OPPOSITE = {left: "right", right: "left", top: "bottom", bottom: "top"} as const;

const entries = <K extends string, V>(o: Readonly<Record<K, V>>) => Object.entries(o) as [K, V][];
const byLength = <T extends {text: string}>(xs: T[]) => xs.sort((a, b) => b.text.length - a.text.length);

const POSITION_TEXTS = byLength(entries(POSITION_PHRASES).flatMap(([position, texts]) => texts.map((text) => ({text, position}))));
const RELATION_TEXTS = entries(RELATION_PHRASES).map(([position, text]) => ({text, position}));

/**
 * An independent reader of captions, written against the phrase tables only (not the caption
 * generator): it turns a caption back into claims about items, or throws if it cannot.
 */
export function parseCaption(caption: string): ParsedCaption {
  let text = caption;
  const prefix = PREFIXES.find((p) => text.startsWith(`${p} `));
  if (prefix) text = text.slice(prefix.length + 1);
  let background: BackgroundKind | undefined;
  for (const [kind, words] of entries(BACKGROUND_WORDS)) {
    for (const word of words) {
      const suffix = ` ${GLUE.background(word)}`;
      if (text.endsWith(suffix)) {
        background = kind;
        text = text.slice(0, -suffix.length);
      }
    }
  }
  const mentions: Mention[] = [];
  const relations: ParsedCaption["relations"] = [];
  for (const clause of text.split(` ${GLUE.and} `)) {
    const lead = POSITION_TEXTS.find((p) => clause.startsWith(`${p.text} ${GLUE.is} `));
    if (lead) {
      mentions.push({...parseNoun(clause.slice(lead.text.length + GLUE.is.length + 2)), position: lead.position});
      continue;
    }
    const relation = RELATION_TEXTS.find((r) => clause.includes(` ${r.text} `));
    if (relation) {
      const [left, right] = clause.split(` ${relation.text} `);
      relations.push({a: mentions.length, b: mentions.length + 1, position: relation.position});
      // "X to the left of Y" in a two-item scene puts X on the left and Y on the right.
      mentions.push({...parseNoun(left), position: relation.position}, {...parseNoun(right), position: OPPOSITE[relation.position]});
      continue;
    }
    const tail = POSITION_TEXTS.find((p) => clause.endsWith(` ${p.text}`));
    mentions.push(tail ? {...parseNoun(clause.slice(0, -tail.text.length - 1)), position: tail.position} : parseNoun(clause));
  }
  return {mentions, relations, background};
}

function parseNoun(phrase: string): Mention {
  const words = phrase.split(" ");
  const article = words.shift();
  if (withArticle(words.join(" ")) !== `${article} ${words.join(" ")}`) throw new Error(`wrong or missing article in "${phrase}"`);
  const mention: Mention = {classes: new Set()};
  const size = entries(SIZE_WORDS).find(([, ws]) => ws.includes(words[0]));
  if (size) {
    mention.size = size[0];
    words.shift();
  }
  const colour = ITEM_COLOURS.find((c) => c.words.includes(words[0]));
  if (colour) {
    mention.colour = colour.name;
    words.shift();
  }
  const noun = words.join(" ");
  for (const c of CLASSES) if (c.nouns.includes(noun) || c.kinds.includes(noun)) mention.classes.add(c.id);
  if (mention.classes.size === 0) throw new Error(`"${noun}" in "${phrase}" names no class`);
  return mention;
}

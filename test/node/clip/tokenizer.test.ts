import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {END_ID, PAD_ID, START_ID, SPECIAL_TOKENS, Tokenizer, UNK_ID, splitWords} from "../../../src/lib/clip/tokenizer.js";

const CAPTIONS = [
  "a red sneaker on the left and a blue 7 on the right",
  "a small green seven at the top",
  "A shoe, then 12 shirts."
];

describe("splitWords", () => {
  it("lower-cases, splits digits one by one and punctuation apart", () => {
    expect(splitWords("A Blue 7,  on the RIGHT.")).toEqual(["a", "blue", "7", ",", "on", "the", "right", "."]);
    expect(splitWords("12 shirts")).toEqual(["1", "2", "shirts"]);
    expect(splitWords("t-shirt's")).toEqual(["t", "-", "shirt", "'", "s"]);
    expect(splitWords("   ")).toEqual([]);
  });
});

describe("Tokenizer", () => {
  const tok = Tokenizer.fromCaptions(CAPTIONS, 12);

  it("builds a sorted vocabulary after the special tokens", () => {
    expect(tok.vocab.slice(0, 4)).toEqual([...SPECIAL_TOKENS]);
    const words = tok.vocab.slice(4);
    expect(words).toEqual([...words].sort());
    for (const w of ["sneaker", "shoe", "seven", "7", "1", "2", ",", "."]) expect(words).toContain(w);
    expect(tok.vocabSize).toBe(tok.vocab.length);
  });

  it("encodes <start> words <end> then padding, to the fixed context", () => {
    const ids = tok.encode("A blue 7");
    expect(ids.length).toBe(12);
    expect(Array.from(ids.slice(0, 5))).toEqual([START_ID, tok.vocab.indexOf("a"), tok.vocab.indexOf("blue"), tok.vocab.indexOf("7"), END_ID]);
    expect(Array.from(ids.slice(5))).toEqual(new Array(7).fill(PAD_ID));
    expect(tok.decode(ids)).toBe("a blue 7");
  });

  it("maps unknown words to <unk>", () => {
    const ids = tok.encode("a purple 7");
    expect(ids[2]).toBe(UNK_ID);
    expect(tok.decode(ids)).toBe("a <unk> 7");
  });

  it("truncates long captions so that <end> still fits", () => {
    const ids = tok.encode(CAPTIONS[0]);
    expect(ids[11]).toBe(END_ID);
    expect(tok.decode(ids)).toBe(splitWords(CAPTIONS[0]).slice(0, 10).join(" "));
  });

  it("drops rare words with minCount", () => {
    const rare = Tokenizer.fromCaptions(CAPTIONS, 12, {minCount: 2});
    expect(rare.vocab).toContain("a");
    expect(rare.vocab).not.toContain("sneaker");
  });

  it("round-trips through JSON", () => {
    const back = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
    expect(back.vocab).toEqual(tok.vocab);
    expect(back.contextLength).toBe(12);
    expect(Array.from(back.encode(CAPTIONS[1]))).toEqual(Array.from(tok.encode(CAPTIONS[1])));
  });

  it("encodes a batch as an int32 tensor", async () => {
    const t = tok.encodeBatch(CAPTIONS.slice(0, 2));
    expect(t.shape).toEqual([2, 12]);
    expect(t.dtype).toBe("int32");
    expect(Array.from(await t.data()).slice(12)).toEqual(Array.from(tok.encode(CAPTIONS[1])));
    t.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });

  it("rejects bad JSON, contexts and ids, naming what is wrong", () => {
    expect(() => Tokenizer.fromJSON({kind: "bpe"})).toThrow(/kind: "word"/);
    expect(() => Tokenizer.fromJSON({kind: "word", contextLength: 8, vocab: ["a", "b"]})).toThrow(/vocab\[0\] must be "<pad>"/);
    expect(() => Tokenizer.fromJSON({...tok.toJSON(), contextLength: 2})).toThrow(/contextLength must be an integer ≥ 3/);
    expect(() => new Tokenizer(["a", "a"], 8)).toThrow(/"a" twice/);
    expect(() => tok.decode([tok.vocabSize])).toThrow(/outside the vocabulary/);
  });
});

import * as tf from "@tensorflow/tfjs";

/** Special tokens, at fixed ids so the text encoder can find the end token without the vocabulary. */
export const SPECIAL_TOKENS = ["<pad>", "<unk>", "<start>", "<end>"] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const START_ID = 2;
export const END_ID = 3;

export interface TokenizerJSON {
  kind: "word";
  contextLength: number;
  /** Every token by id: the special tokens first, then the words. */
  vocab: string[];
}

/**
 * Lower-cased words, with every digit and every punctuation mark a token of its own: "a Blue 7,"
 * → ["a", "blue", "7", ","], and "12" → ["1", "2"], so numbers never fall out of the vocabulary.
 */
export function splitWords(text: string): string[] {
  return text.toLowerCase().normalize("NFKC").match(/\p{L}+|\p{N}|[^\s\p{L}\p{N}]/gu) ?? [];
}

/**
 * A word-level tokenizer for the scene captions, built from a dataset's vocabulary. Encodes to a
 * fixed context: <start> words… <end> <pad>…, truncating the words so that <end> always fits
 * (the text encoder reads its embedding there); unknown words become <unk>.
 */
export class Tokenizer {
  readonly vocab: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(words: Iterable<string>, readonly contextLength: number) {
    if (!Number.isInteger(contextLength) || contextLength < 3) {
      throw new Error(`Tokenizer: contextLength must be an integer ≥ 3 (start, a word, end), got ${contextLength}`);
    }
    this.vocab = [...SPECIAL_TOKENS, ...words];
    this.ids = new Map();
    this.vocab.forEach((token, id) => {
      if (this.ids.has(token)) throw new Error(`Tokenizer: vocab lists "${token}" twice`);
      this.ids.set(token, id);
    });
  }

  /** The sorted set of words (seen at least `minCount` times) in `captions`. */
  static fromCaptions(captions: Iterable<string>, contextLength: number, {minCount = 1} = {}): Tokenizer {
    const counts = new Map<string, number>();
    for (const caption of captions) for (const w of splitWords(caption)) counts.set(w, (counts.get(w) ?? 0) + 1);
    // splitWords cuts "<end>" into "<", "end", ">", so no caption word can collide with a special token.
    const words = [...counts].filter(([, n]) => n >= minCount).map(([w]) => w);
    return new Tokenizer(words.sort(), contextLength);
  }

  static fromJSON(json: unknown): Tokenizer {
    const j = json as Partial<TokenizerJSON> | null;
    if (typeof j !== "object" || j === null || j.kind !== "word") throw new Error('Tokenizer.fromJSON: expected {kind: "word", contextLength, vocab}');
    if (!Array.isArray(j.vocab) || !j.vocab.every((t) => typeof t === "string")) throw new Error("Tokenizer.fromJSON: vocab must be an array of strings");
    SPECIAL_TOKENS.forEach((token, id) => {
      if (j.vocab?.[id] !== token) throw new Error(`Tokenizer.fromJSON: vocab[${id}] must be "${token}", got "${j.vocab?.[id]}"`);
    });
    return new Tokenizer(j.vocab.slice(SPECIAL_TOKENS.length), j.contextLength as number);
  }

  toJSON(): TokenizerJSON {
    return {kind: "word", contextLength: this.contextLength, vocab: [...this.vocab]};
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  encode(text: string): Int32Array {
    const out = new Int32Array(this.contextLength).fill(PAD_ID);
    const words = splitWords(text).slice(0, this.contextLength - 2);
    out[0] = START_ID;
    words.forEach((w, i) => (out[i + 1] = this.ids.get(w) ?? UNK_ID));
    out[words.length + 1] = END_ID;
    return out;
  }

  /** [texts.length, contextLength] int32 token ids. */
  encodeBatch(texts: readonly string[]): tf.Tensor2D {
    const flat = new Int32Array(texts.length * this.contextLength);
    texts.forEach((t, i) => flat.set(this.encode(t), i * this.contextLength));
    return tf.tensor2d(flat, [texts.length, this.contextLength], "int32");
  }

  /** The words behind `ids`, special tokens other than <unk> left out (for display). */
  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (id) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocab.length) throw new Error(`Tokenizer.decode: id ${id} is outside the vocabulary (0..${this.vocab.length - 1})`);
      return id === UNK_ID || id >= SPECIAL_TOKENS.length ? this.vocab[id] : "";
    })
      .filter((w) => w !== "")
      .join(" ");
  }
}

/**
 * A minimal WebAssembly module writer: just enough of the binary format (i32, f32 and 128-bit
 * SIMD arithmetic, loads and stores, counted loops) to write the selective scan's CPU kernel in
 * TypeScript without a compiler toolchain. Code is built as byte arrays; an expression is the
 * bytes that leave its value on the wasm stack, so expressions compose by concatenation and the
 * engine's validator checks the types when the module is compiled.
 *
 * Encodings: WebAssembly core specification §5 (binary format) and its fixed-width SIMD
 * extension (prefix 0xfd, sub-opcodes as unsigned LEB128).
 */

export type Code = number[];
export type ValType = "i32" | "f32" | "v128";

const VALTYPE: Record<ValType, number> = {i32: 0x7f, f32: 0x7d, v128: 0x7b};

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const join = (...parts: Code[]): Code => parts.flat();

/** A local variable (parameters first, then declared locals) of one function. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

export const get = (l: Local): Code => [0x20, ...uleb(l.index)];
export const set = (l: Local, value: Code): Code => [...value, 0x21, ...uleb(l.index)];

/** Scalar f32 loads and stores (byte address, constant byte offset) and addition. */
export const f32 = {
  load: (addr: Code, offset = 0): Code => join(addr, [0x2a, 2], uleb(offset)),
  store: (addr: Code, value: Code, offset = 0): Code => join(addr, value, [0x38, 2], uleb(offset)),
  add: (a: Code, b: Code): Code => join(a, b, [0x92])
};

export const i32 = {
  const: (v: number): Code => [0x41, ...sleb(v)],
  add: (a: Code, b: Code): Code => join(a, b, [0x6a]),
  sub: (a: Code, b: Code): Code => join(a, b, [0x6b]),
  mul: (a: Code, b: Code): Code => join(a, b, [0x6c]),
  ltS: (a: Code, b: Code): Code => join(a, b, [0x48]),
  geS: (a: Code, b: Code): Code => join(a, b, [0x4e]),
  /** The smaller of two signed values (select on lt_s; both operands are evaluated). */
  minS: (a: Code, b: Code): Code => join(a, b, a, b, [0x48, 0x1b]),
  eqz: (a: Code): Code => join(a, [0x45])
};

const simd = (op: number) => [0xfd, ...uleb(op)];
const simdBinary = (op: number) => (a: Code, b: Code): Code => join(a, b, simd(op));
const simdUnary = (op: number) => (a: Code): Code => join(a, simd(op));

function f32Bytes(v: number): number[] {
  return [...new Uint8Array(new Float32Array([v]).buffer)];
}

/** Four f32 lanes; loads and stores take a byte address and an optional constant byte offset. */
export const f32x4 = {
  load: (addr: Code, offset = 0): Code => join(addr, simd(0x00), [4], uleb(offset)),
  store: (addr: Code, value: Code, offset = 0): Code => join(addr, value, simd(0x0b), [4], uleb(offset)),
  /** One f32 from memory, copied to all four lanes. */
  loadSplat: (addr: Code, offset = 0): Code => join(addr, simd(0x09), [2], uleb(offset)),
  splat: (v: number): Code => join([0x43], f32Bytes(v), simd(0x13)),
  add: simdBinary(0xe4),
  sub: simdBinary(0xe5),
  mul: simdBinary(0xe6),
  div: simdBinary(0xe7),
  /** Pseudo-min b < a ? b : a: one instruction on x64, where min's NaN and ±0 rules take several. */
  pmin: simdBinary(0xea),
  /** Pseudo-max a < b ? b : a, likewise. */
  pmax: simdBinary(0xeb),
  abs: simdUnary(0xe0),
  neg: simdUnary(0xe1)
};

/** Integer lanes, used to assemble float exponents bit by bit. */
export const i32x4 = {
  splat: (v: number): Code => join(i32.const(v), simd(0x11)),
  add: simdBinary(0xae),
  shl: (a: Code, bits: number): Code => join(a, i32.const(bits), simd(0xab))
};

const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const ELSE = 0x05;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const VOID = 0x40;

/** set i = from; then while !exit(i): body; i = next(i). */
function counted(i: Local, from: Code, exit: Code, next: Code, body: Code[]): Code {
  return join(set(i, from), [BLOCK, VOID, LOOP, VOID], exit, [BR_IF, 1], ...body, set(i, next), [BR, 0, END, END]);
}

/** `for (i = from; i < to; i += step) body` — `to` is re-evaluated each pass, so keep it cheap. */
export function forUp(i: Local, from: Code, to: Code, step: Code, body: Code[]): Code {
  return counted(i, from, i32.geS(get(i), to), i32.add(get(i), step), body);
}

/** `for (i = from; i >= downTo; i -= step) body`. */
export function forDown(i: Local, from: Code, downTo: Code, step: Code, body: Code[]): Code {
  return counted(i, from, i32.ltS(get(i), downTo), i32.sub(get(i), step), body);
}

export function ifElse(condition: Code, then: Code[], otherwise: Code[] = []): Code {
  return join(condition, [IF, VOID], ...then, otherwise.length ? [ELSE, ...otherwise.flat()] : [], [END]);
}

/** One exported function: parameters, then locals declared while its body is written. */
export class FunctionBuilder {
  private readonly localTypes: ValType[] = [];

  constructor(readonly name: string, readonly params: readonly ValType[]) {}

  param(i: number): Local {
    return {index: i, type: this.params[i]};
  }

  local(type: ValType): Local {
    this.localTypes.push(type);
    return {index: this.params.length + this.localTypes.length - 1, type};
  }

  encode(body: Code[]): {type: Code; code: Code} {
    const type = [0x60, ...uleb(this.params.length), ...this.params.map((t) => VALTYPE[t]), 0];
    const locals = [...uleb(this.localTypes.length), ...this.localTypes.flatMap((t) => [1, VALTYPE[t]])];
    const fn = [...locals, ...body.flat(), END];
    return {type, code: [...uleb(fn.length), ...fn]};
  }
}

const section = (id: number, items: Code[]): Code => {
  const content = [...uleb(items.length), ...items.flat()];
  return [id, ...uleb(content.length), ...content];
};

const name = (s: string): Code => {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
};

/**
 * A module with one exported memory ("memory", `pages` × 64 KiB to start, growable) and the
 * given exported functions, each returning nothing. With `importMemory` the memory is instead
 * imported as env.memory (any size, unshared), so the functions can work on another module's heap.
 */
export function assembleModule(functions: {builder: FunctionBuilder; body: Code[]}[], {pages = 1, importMemory = false} = {}): Uint8Array<ArrayBuffer> {
  const encoded = functions.map(({builder, body}) => builder.encode(body));
  const memory = importMemory ? section(2, [[...name("env"), ...name("memory"), 0x02, 0x00, 0x00]]) : section(5, [[0x00, ...uleb(pages)]]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, encoded.map((f) => f.type)),
    ...(importMemory ? memory : []),
    ...section(3, encoded.map((_, i) => uleb(i))),
    ...(importMemory ? [] : memory),
    ...section(7, [
      [...name("memory"), 0x02, 0x00],
      ...functions.map(({builder}, i) => [...name(builder.name), 0x00, ...uleb(i)])
    ]),
    ...section(10, encoded.map((f) => f.code))
  ];
  return new Uint8Array(bytes);
}

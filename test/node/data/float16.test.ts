import {describe, expect, it} from "vitest";
import {decodeHalf, encodeHalf, fromHalf, toHalf} from "../../../src/lib/data/float16.js";
import {Rng} from "../../../src/lib/random/rng.js";

describe("float16", () => {
  it("encodes known values exactly, rounding ties to even", () => {
    // [value, its half bits, what those bits decode to]
    const cases: [number, number, number][] = [
      [0, 0x0000, 0],
      [-0, 0x8000, -0],
      [1, 0x3c00, 1],
      [-2, 0xc000, -2],
      [0.5, 0x3800, 0.5],
      [65504, 0x7bff, 65504],
      [65520, 0x7c00, Infinity], // rounds up past the largest half
      [2 ** -14, 0x0400, 2 ** -14], // smallest normal
      [2 ** -24, 0x0001, 2 ** -24], // smallest subnormal
      [2 ** -25, 0x0000, 0], // a tie between 0 and 2^-24: even is 0
      [3 * 2 ** -25, 0x0002, 2 ** -23], // a tie between 1 and 2 subnormal steps: even is 2
      [1 + 2 ** -11, 0x3c00, 1], // tie: stays on the even 1
      [1 + 3 * 2 ** -11, 0x3c02, 1 + 2 ** -9], // tie: goes up to the even neighbour
      [Infinity, 0x7c00, Infinity],
      [-Infinity, 0xfc00, -Infinity]
    ];
    for (const [x, h, decoded] of cases) {
      expect(toHalf(x), `${x}`).toBe(h);
      expect(fromHalf(h), `${h.toString(16)}`).toBe(decoded);
    }
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
  });

  it("round-trips every half exactly and random floats within half an ulp", () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = fromHalf(h);
      if (!Number.isNaN(x)) expect(toHalf(x)).toBe(h);
    }
    const rng = new Rng(3);
    const values = Float32Array.from({length: 20000}, () => rng.normal() * 10 ** rng.uniform(-4, 4));
    const back = decodeHalf(encodeHalf(values));
    values.forEach((v, i) => {
      const ulp = Math.abs(v) >= 2 ** -14 ? 2 ** (Math.floor(Math.log2(Math.abs(v))) - 10) : 2 ** -24;
      expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(ulp / 2 + 1e-12);
    });
  });
});

import {describe, expect, it} from "vitest";
import {scanForward} from "../../../src/lib/mamba/kernels/scanSimd.js";

/**
 * The SIMD scan's exp, read through the kernel itself: with one state, B = C = u = 1 at the
 * first position, u = 0 at the second, Δ_1 = 1 and A = 1, the second output is exp(Δ_2), so
 * each channel's Δ_2 is an argument of exp. Δ_2 covers the decays exp(ΔA) of real scans
 * (ΔA ≤ 0) down to float32's smallest normal, and the positive side the sigmoid uses.
 */
describe("the SIMD scan's exp", () => {
  const args: number[] = [];
  for (let x = -87; x <= 60; x += 0.01237) args.push(Math.fround(x));
  for (const x of [0, -1e-7, 1e-7, -0.5, 0.5, -0.3465736, 0.3465736, -86.9, 88]) args.push(Math.fround(x));
  const D = Math.ceil(args.length / 4) * 4;
  const dims = {batch: 1, length: 2, channels: D, state: 1};
  const delta = new Float32Array(2 * D);
  delta.fill(1, 0, D);
  delta.set(args, D);
  const u = new Float32Array(2 * D).fill(1, 0, D);
  const y = scanForward({u, delta, A: new Float32Array(D).fill(1), B: new Float32Array([1, 0]), C: new Float32Array([1, 1])}, dims, {deltaSoftplus: false});

  it("has a relative error within 2.5e-7 + 1.2e-7·|x| (the second term: rounding x·log2e to float32)", () => {
    let worst = 0;
    args.forEach((x, d) => {
      const exact = Math.exp(x);
      const error = Math.abs(y[D + d] - exact) / exact;
      worst = Math.max(worst, error / (2.5e-7 + 1.2e-7 * Math.abs(x)));
    });
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("is exact at 0 to float32 rounding and stays finite and positive at the ends of the range", () => {
    expect(Math.abs(y[D + args.indexOf(0)] - 1)).toBeLessThanOrEqual(2.4e-7);
    for (let d = 0; d < args.length; d++) {
      expect(Number.isFinite(y[D + d]) && y[D + d] > 0, `exp(${args[d]}) = ${y[D + d]}`).toBe(true);
    }
  });
});

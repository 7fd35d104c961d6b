import {tQuantile975} from "./seedStats.js";

/** A measured series: y (a latency) at x (a token count). */
export interface XY {
  readonly x: number;
  readonly y: number;
}

/** y ≈ coefficient · x^exponent, fitted by least squares on log y against log x. */
export interface PowerLawFit {
  readonly exponent: number;
  /** The exponent's 95% interval (Student's t on the slope, n − 2 degrees of freedom); null with two points. */
  readonly exponentLow: number | null;
  readonly exponentHigh: number | null;
  readonly coefficient: number;
  /** Coefficient of determination on the log scale. */
  readonly r2: number;
  readonly n: number;
  readonly xMin: number;
  readonly xMax: number;
}

function checkSeries(points: readonly XY[], name: string): void {
  points.forEach((p, i) => {
    if (!(p.x > 0 && Number.isFinite(p.x)) || !(p.y > 0 && Number.isFinite(p.y))) {
      throw new Error(`${name}: points[${i}] must have finite x > 0 and y > 0, got (${p.x}, ${p.y})`);
    }
  });
}

/** The power law through `points` (at least two distinct x, all positive). */
export function fitPowerLaw(points: readonly XY[]): PowerLawFit {
  checkSeries(points, "fitPowerLaw");
  const xs = points.map((p) => Math.log(p.x));
  const ys = points.map((p) => Math.log(p.y));
  const n = points.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (n < 2 || sxx === 0) throw new Error(`fitPowerLaw: points need at least two distinct x, got ${n} point(s)`);
  const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  const exponent = sxy / sxx;
  const intercept = my - exponent * mx;
  const ssTot = ys.reduce((s, y) => s + (y - my) ** 2, 0);
  const ssRes = ys.reduce((s, y, i) => s + (y - intercept - exponent * xs[i]) ** 2, 0);
  const half = n > 2 ? tQuantile975(n - 2) * Math.sqrt(ssRes / (n - 2) / sxx) : null;
  return {
    exponent,
    exponentLow: half === null ? null : exponent - half,
    exponentHigh: half === null ? null : exponent + half,
    coefficient: Math.exp(intercept),
    r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot,
    n,
    xMin: Math.min(...points.map((p) => p.x)),
    xMax: Math.max(...points.map((p) => p.x))
  };
}

/** Where a/b crosses 1: at x, a goes from slower to faster than b ("a-faster") or back. */
export interface Crossing {
  readonly x: number;
  readonly becomes: "a-faster" | "a-slower";
}

/**
 * Every crossing of the two series over the x they share, interpolated linearly in log a/b
 * against log x between neighbouring points (so a crossing between 64 and 256 tokens that
 * happens a third of the way in log space lands near 102). Where a/b is exactly 1 at a point, the
 * crossing is that point, if the sign differs on both sides.
 */
export function crossings(a: readonly XY[], b: readonly XY[]): Crossing[] {
  checkSeries(a, "crossings (a)");
  checkSeries(b, "crossings (b)");
  const byX = new Map(b.map((p) => [p.x, p.y]));
  const shared = a.filter((p) => byX.has(p.x)).sort((p, q) => p.x - q.x);
  const found: Crossing[] = [];
  let last: {lx: number; r: number} | null = null;
  let evenAt: number | null = null;
  for (const p of shared) {
    const here = {lx: Math.log(p.x), r: Math.log(p.y / byX.get(p.x)!)};
    if (here.r === 0) {
      evenAt ??= here.lx;
      continue;
    }
    if (last && Math.sign(last.r) !== Math.sign(here.r)) {
      const lx = evenAt ?? last.lx + (last.r / (last.r - here.r)) * (here.lx - last.lx);
      found.push({x: Math.exp(lx), becomes: last.r > 0 ? "a-faster" : "a-slower"});
    }
    last = here;
    evenAt = null;
  }
  return found;
}

import {csvParse} from "d3-dsv";

/** One of the poster's RQ2 claims (data/paper/dmclip_rq2.csv). */
export interface PosterClaim {
  readonly claim: string;
  readonly value: number;
  readonly unit: string;
  readonly comparedTo: string;
  readonly note: string;
}

const COLUMNS = ["claim", "value", "unit", "compared_to", "note"];

/** Parses the claims CSV; the error names the file, row and column. */
export function parsePosterRq2(text: string, file: string): PosterClaim[] {
  const parsed = csvParse(text);
  const missing = COLUMNS.filter((c) => !parsed.columns.includes(c));
  if (missing.length > 0) throw new Error(`${file}: missing column(s) ${missing.join(", ")}`);
  const claims = parsed.map((row, i) => {
    const value = Number(row.value);
    if (!row.claim) throw new Error(`${file}: row ${i + 2}, column claim: expected a name`);
    if (row.value === undefined || row.value.trim() === "" || !Number.isFinite(value)) {
      throw new Error(`${file}: row ${i + 2}, column value: expected a number, got ${JSON.stringify(row.value ?? "")}`);
    }
    return {claim: row.claim, value, unit: row.unit ?? "", comparedTo: row.compared_to ?? "", note: row.note ?? ""};
  });
  if (claims.length === 0) throw new Error(`${file}: no claims`);
  return claims;
}

/** The claim named `name`, or an error listing the ones there are. */
export function posterClaim(claims: readonly PosterClaim[], name: string): PosterClaim {
  const found = claims.find((c) => c.claim === name);
  if (!found) throw new Error(`poster claims: no "${name}" (have ${claims.map((c) => c.claim).join(", ")})`);
  return found;
}

/**
 * The poster's image-encoder latency as a fraction of MobileCLIP's: a reduction of 49.58% is a
 * ratio of 0.5042, the figure our measured Mamba/ViT ratio is set beside.
 */
export function posterLatencyRatio(claims: readonly PosterClaim[]): number {
  const c = posterClaim(claims, "image_encoder_latency_reduction");
  if (c.unit !== "percent") throw new Error(`poster claims: image_encoder_latency_reduction must be in percent, got "${c.unit}"`);
  return 1 - c.value / 100;
}

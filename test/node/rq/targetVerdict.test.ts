import {describe, expect, it} from "vitest";
import {atMostVerdict} from "../../../src/lib/rq/targetVerdict.js";

describe("atMostVerdict", () => {
  it("meets a target only with the whole interval, fails it only with the whole interval above", () => {
    expect(atMostVerdict({low: 1.0, high: 1.1}, 1.1)).toBe("met");
    expect(atMostVerdict({low: 1.101, high: 1.3}, 1.1)).toBe("not met");
    // The committed 1.098 would be met on its point estimate; an interval across 1.1 decides nothing.
    expect(atMostVerdict({low: 1.02, high: 1.18}, 1.1)).toBe("undecided");
    expect(atMostVerdict({low: 1.1, high: 1.2}, 1.1)).toBe("undecided");
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { todayInChina } from "../../src/core/dates.ts";

describe("todayInChina", () => {
  const intl = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" });

  it.each([
    ["2024-11-30T15:59:59.999Z", "2024-11-30"],
    ["2024-11-30T16:00:00.000Z", "2024-12-01"],
    ["2026-12-31T23:30:00Z", "2027-01-01"],
  ])("%s is %s in China", (utc, day) => {
    expect(todayInChina(new Date(utc))).toBe(day);
  });

  it("agrees with the time-zone database for any moment since 1992", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1992-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }), (d) => {
        expect(todayInChina(d)).toBe(intl.format(d));
      }),
      { numRuns: 2000 },
    );
  });
});

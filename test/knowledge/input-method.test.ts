/** Telex and VNI remnants, spelling variants and one-edit typos, read back as the plan's syllables. */
import { describe, expect, it } from "vitest";
import { spellingVariants, telexReadings, vniReading } from "../../src/knowledge/input-method.js";
import { typoDistance, withinOneEdit } from "../../src/knowledge/typo.js";

describe("input-method remnants", () => {
  it("reads Telex tone keys and vowel marks", () => {
    expect(telexReadings("caaps")).toContain("cap");
    expect(telexReadings("tirnh")).toContain("tinh");
    expect(telexReadings("xax")).toContain("xa");
    expect(telexReadings("vieecj")).toContain("viec");
    expect(telexReadings("sow")).toContain("so");
  });

  it("reads VNI digits but leaves numbers and codes alone", () => {
    expect(vniReading("huye65n")).toBe("huyen");
    expect(vniReading("d9a5t")).toBe("dat");
    expect(vniReading("60")).toBeUndefined();
    expect(vniReading("4g")).toBeUndefined();
  });

  it("offers the other tone placement and i/y spelling", () => {
    expect(spellingVariants("hoà")).toContain("hòa");
    expect(spellingVariants("kĩ")).toContain("kỹ");
    expect(spellingVariants("tỉ")).toContain("tỷ");
  });

  it("agrees with the edit distance on one-edit typos", () => {
    const words = [
      "tieu",
      "teu",
      "tiu",
      "chi",
      "viec",
      "vec",
      "cong",
      "coong",
      "ab",
      "ba",
      "abc",
      "acb",
      "huyen",
      "huyne",
    ];
    for (const a of words)
      for (const b of words) expect(withinOneEdit(a, b), `${a}/${b}`).toBe(typoDistance(a, b, 1) <= 1);
  });
});

import { describe, expect, it } from "vitest";
import { levelOfOnsCode, parseHexJson, rowLayout } from "../../src/tiles/hexJson.ts";

const file = "icb.hexjson";

describe("HexJSON cartogram layouts", () => {
  it("reads tiles of ICBs and sub-ICB locations by ONS code", () => {
    const layout = parseHexJson(
      JSON.stringify({
        layout: "odd-r",
        hexes: { E54000048: { q: 0, r: 0, n: "Lancashire" }, E38000014: { q: 0, r: 0, n: "Blackburn" } },
      }),
      file,
    );
    expect(layout.layout).toBe("odd-r");
    expect(layout.tiles).toEqual([
      { level: "icb", ons_code: "E54000048", name: "Lancashire", q: 0, r: 0 },
      { level: "sub_icb", ons_code: "E38000014", name: "Blackburn", q: 0, r: 0 },
    ]);
    expect(levelOfOnsCode("E40000010")).toBe("region");
    expect(levelOfOnsCode("E06000001")).toBeNull();
  });

  it("names the hex and field of a bad position, an unknown code or a shared cell", () => {
    expect(() => parseHexJson('{"layout":"odd-r","hexes":{"E54000048":{"q":1.5,"r":0}}}', file)).toThrow(
      /icb\.hexjson, field `hexes\.E54000048\.q`: value 1\.5.*expected an integer/,
    );
    expect(() => parseHexJson('{"layout":"odd-r","hexes":{"E06000001":{"q":1,"r":0}}}', file)).toThrow(
      /value "E06000001"/,
    );
    expect(() =>
      parseHexJson('{"layout":"odd-r","hexes":{"E54000048":{"q":1,"r":0},"E54000050":{"q":1,"r":0}}}', file),
    ).toThrow(/two hexes on one cell \(E54000048 is there\)/);
    expect(() => parseHexJson('{"layout":"square","hexes":{}}', file)).toThrow(/field `layout`/);
    expect(() => parseHexJson("{", file)).toThrow(/not JSON/);
  });

  it("lays a list out in snaking rows of ⌈√(1.2 n)⌉ with no two on one cell", () => {
    const codes = Array.from({ length: 5 }, (_, i) => ({ ons_code: `E5400000${i}`, name: `ICB ${i}` }));
    const { hexes } = rowLayout(codes); // width ⌈√6⌉ = 3
    expect(Object.values(hexes).map(({ q, r }) => [q, r])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [2, -1],
      [1, -1],
    ]);
  });
});

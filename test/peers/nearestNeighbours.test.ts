import { describe, expect, it } from "vitest";
import { nearestNeighbours, standardiseVariables } from "../../src/peers/nearestNeighbours.ts";

// Worked by hand. x = 1, 2, 3, 6: mean 3, SD √(14/4) = √3.5. y = 0, 0, 0, 4: mean 1, SD √3.
// A is (−2/√3.5, −1/√3) in standard deviations, B (−1/√3.5, −1/√3), C (0, −1/√3), D (3/√3.5, 3/√3).
// From A: B is 1/√3.5 = 0.534522 away, C 2/√3.5 = 1.069045, D √(25/3.5 + 16/3) = 3.532165.
const units = [
  { code: "D", variables: [6, 4] },
  { code: "A", variables: [1, 0] },
  { code: "B", variables: [2, 0] },
  { code: "C", variables: [3, 0] },
];

describe("nearest neighbours on standardised variables", () => {
  it("scores each variable in standard deviations from the mean", () => {
    const a = standardiseVariables(units).find((u) => u.code === "A");
    expect(a?.variables[0]).toBeCloseTo(-2 / Math.sqrt(3.5), 10);
    expect(a?.variables[1]).toBeCloseTo(-1 / Math.sqrt(3), 10);
  });

  it("finds the nearest units in order with their distances worked by hand", () => {
    const peers = nearestNeighbours(units, "A", 3);
    expect(peers.map((p) => p.code)).toEqual(["B", "C", "D"]);
    expect(peers[0]?.distance).toBeCloseTo(0.534522, 6);
    expect(peers[1]?.distance).toBeCloseTo(1.069045, 6);
    expect(peers[2]?.distance).toBeCloseTo(3.532165, 6);
    expect(nearestNeighbours(units, "A", 1).map((p) => p.code)).toEqual(["B"]);
  });

  it("breaks a tie by code and never counts the unit as its own peer", () => {
    // From C, B and a new unit E at x = 4 are both one step away.
    const peers = nearestNeighbours([...units, { code: "E", variables: [4, 0] }], "C", 2);
    expect(peers.map((p) => p.code)).toEqual(["B", "E"]);
  });

  it("ignores a variable that does not vary and refuses a unit with a missing one", () => {
    const flat = nearestNeighbours(
      [
        { code: "A", variables: [1, 5] },
        { code: "B", variables: [2, 5] },
        { code: "C", variables: [9, 5] },
      ],
      "A",
      2,
    );
    expect(flat.map((p) => p.code)).toEqual(["B", "C"]);
    expect(() =>
      nearestNeighbours(
        [
          { code: "A", variables: [1] },
          { code: "B", variables: [] },
        ],
        "A",
        1,
      ),
    ).toThrow(/finite variables/);
  });
});

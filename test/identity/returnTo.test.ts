import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../src/identity/passwords.ts";
import { safeReturnTo } from "../../src/identity/returnTo.ts";

describe("safeReturnTo", () => {
  it("keeps a path on this site with its query and fragment", () => {
    expect(safeReturnTo("/organisations/S1?x=1#top")).toBe("/organisations/S1?x=1#top");
  });
  it("sends everything that could leave the site to /", () => {
    for (const bad of [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "evil.example",
      "/\tx",
      "/a\\b",
      "javascript:alert(1)",
      "",
      42,
      null,
    ])
      expect(safeReturnTo(bad), String(bad)).toBe("/");
  });
});

describe("hashPassword", () => {
  it("salts each hash and verifies only the right password", async () => {
    const [a, b] = await Promise.all([
      hashPassword("correct horse battery"),
      hashPassword("correct horse battery"),
    ]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterz", a)).toBe(false);
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
  });
});

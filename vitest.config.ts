import { defineConfig } from "vitest/config";

// Tests pin what varies: the clock zone is London so BST and financial-year edges are exercised.
process.env.TZ = "Europe/London";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.js"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Builds in tests cache into a scratch directory, never the repo's node_modules/.cache.
    env: { TSKERN_CACHE_DIR: "tests/.tmp/cache" },
  },
});

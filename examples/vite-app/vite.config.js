import { defineConfig } from "vite";
import tskern from "tskern/vite";

export default defineConfig({
  // Compiles every imported *.kernel.ts; serves COOP/COEP headers so the page
  // is cross-origin isolated and kernel memory is a growable SharedArrayBuffer.
  plugins: [tskern()],
});

/**
 * tskern for Vite (see the README section "Bundlers"):
 *
 *   // vite.config.js
 *   import { defineConfig } from "vite";
 *   import tskern from "tskern/vite";
 *   export default defineConfig({ plugins: [tskern()] });
 */
import { unplugin } from "./unplugin-core.js";

export default unplugin.vite;

/**
 * tskern for Rollup (see the README section "Bundlers"):
 *
 *   // rollup.config.js
 *   import tskern from "tskern/rollup";
 *   export default { input: "src/main.js", output: { dir: "dist", format: "es" }, plugins: [tskern()] };
 */
import { unplugin } from "./unplugin-core.js";

export default unplugin.rollup;

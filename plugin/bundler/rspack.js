/**
 * tskern for Rspack (see the README section "Bundlers"):
 *
 *   // rspack.config.js
 *   import tskern from "tskern/rspack";
 *   export default { entry: "./src/main.js", plugins: [tskern()] };
 */
import { unplugin } from "./unplugin-core.js";

export default unplugin.rspack;

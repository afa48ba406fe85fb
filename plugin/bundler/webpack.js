/**
 * tskern for webpack (see the README section "Bundlers"):
 *
 *   // webpack.config.js
 *   import tskern from "tskern/webpack";
 *   export default { entry: "./src/main.js", plugins: [tskern()] };
 */
import { unplugin } from "./unplugin-core.js";

export default unplugin.webpack;

/**
 * tskern for esbuild (see the README section "Bundlers"):
 *
 *   import * as esbuild from "esbuild";
 *   import tskern from "tskern/esbuild";
 *   await esbuild.build({ entryPoints: ["src/main.js"], bundle: true, format: "esm", outdir: "dist", plugins: [tskern()] });
 */
import { unplugin } from "./unplugin-core.js";

export default unplugin.esbuild;

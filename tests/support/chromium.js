/**
 * Test support: headless Chromium from Debian's `chromium` package, driven by
 * playwright-core. Never downloads a browser: when /usr/bin/chromium is
 * missing, installs the Debian package with apt-get (as root), else fails
 * saying how to install it.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Installs Debian's chromium if it is not there yet (takes a minute or two). */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM} is missing and the tests are not running as root: install it with \`apt-get update && apt-get install -y chromium\``);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: "ignore", env });
  execFileSync("apt-get", ["install", "-y", "chromium"], { stdio: "ignore", env });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
}

/** Launches headless Chromium. */
export async function launchChromium() {
  ensureChromium();
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

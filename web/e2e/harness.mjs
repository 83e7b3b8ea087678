// Shared harness for the end-to-end tests: serve web/dist on a free loopback
// port, drive Debian's Chromium with playwright-core (no browser download),
// collect console errors, write screenshots to <repo>/test-artifacts/.
//
// Typical test:
//
//   import { test } from "node:test";
//   import { startApp } from "../harness.mjs";
//
//   test("something", async (t) => {
//     const app = await startApp(t);   // server + browser, closed after t
//     await app.page.goto(app.url);
//     ...
//     await app.screenshot("something"); // test-artifacts/web-something.png
//     app.assertNoErrors();
//   });
//
// Environment: CHROMIUM (default /usr/bin/chromium), VNETLAB_DIST (default
// web/dist), VNETLAB_ARTIFACTS (default <repo>/test-artifacts).

import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = path.resolve(HERE, "..");
export const REPO_DIR = path.resolve(WEB_DIR, "..");
export const DIST_DIR = process.env.VNETLAB_DIST ?? path.join(WEB_DIR, "dist");
export const ARTIFACTS_DIR =
  process.env.VNETLAB_ARTIFACTS ?? path.join(REPO_DIR, "test-artifacts");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// Without these, Chromium as root refuses to start or keeps trying the
// (closed) network.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Every server we started, killed on exit whatever happens.
const children = new Set();
function killAll() {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  children.clear();
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    killAll();
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}

/**
 * Serve `dist` with `python3 -m http.server` on 127.0.0.1. Port 0 lets the
 * kernel pick a free port, which python prints; no race with other tests.
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer({ dist = DIST_DIR, timeoutMs = 15_000 } = {}) {
  if (!existsSync(path.join(dist, "index.html"))) {
    throw new Error(`${dist}/index.html missing: run web/build.sh first`);
  }
  const child = spawn(
    "python3",
    ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dist],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.add(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let log = "";
  child.stderr.on("data", (chunk) => {
    log += chunk;
  });

  const close = async () => {
    if (children.delete(child) && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    const port = await new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(
        () => reject(new Error(`http.server did not start within ${timeoutMs} ms:\n${out}${log}`)),
        timeoutMs,
      );
      child.stdout.on("data", (chunk) => {
        out += chunk;
        const m = /port (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`http.server exited early (${code ?? signal}):\n${out}${log}`));
      });
    });
    child.stdout.resume();
    return { url: `http://127.0.0.1:${port}/`, port, close, log: () => log };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Launch headless Chromium (Debian's, not a downloaded one). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/**
 * Start a server and a browser, open a fresh page (fresh storage) that records
 * errors. When `t` (a node:test context) is given, everything is closed after
 * the test, pass or fail; otherwise call `close()` yourself.
 */
export async function startApp(t, { dist = DIST_DIR, viewport = { width: 1024, height: 720 } } = {}) {
  const server = await startServer({ dist });
  let browser;
  const close = async () => {
    try {
      await browser?.close();
    } finally {
      await server.close();
    }
  };
  t?.after(close);
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = collectErrors(page);
    return {
      url: server.url,
      server,
      browser,
      context,
      page,
      errors,
      close,
      screenshot: (name) => screenshot(page, name),
      assertNoErrors: () => {
        if (errors.length > 0) {
          throw new Error(`page reported ${errors.length} error(s):\n  ${errors.join("\n  ")}`);
        }
      },
    };
  } catch (err) {
    if (!t) await close();
    throw err;
  }
}

/**
 * Record console errors, uncaught exceptions, failed requests and HTTP errors.
 * @returns {string[]} filled as the page runs
 */
export function collectErrors(page) {
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      const loc = msg.location();
      errors.push(`console.error: ${msg.text()} (${loc.url}:${loc.lineNumber})`);
    }
  });
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.stack ?? err}`));
  page.on("requestfailed", (req) =>
    errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
  );
  page.on("response", (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return errors;
}

/** Save a full-page screenshot as test-artifacts/web-<name>.png; returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const file = path.join(ARTIFACTS_DIR, `web-${slug}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Wait until `locator`'s trimmed text equals `expected` (string) or matches it (RegExp). */
export async function waitForText(locator, expected, { timeoutMs = 10_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let actual;
  for (;;) {
    actual = (await locator.textContent({ timeout: timeoutMs }))?.trim();
    const ok = expected instanceof RegExp ? expected.test(actual ?? "") : actual === expected;
    if (ok) return actual;
    if (Date.now() > deadline) {
      throw new Error(`expected text ${expected} but got ${JSON.stringify(actual)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The source editor's text (CodeMirror keeps its view on the editor's element as `cmView`).
 * @param {import("playwright-core").Page} page
 */
export async function sourceText(page) {
  return page.getByTestId("source").evaluate((el) => el.cmView.state.doc.toString());
}

/**
 * Replaces the source editor's text as typing would: one user change, heard by the app.
 * @param {import("playwright-core").Page} page
 * @param {string} text
 */
export async function setSource(page, text) {
  await page.getByTestId("source").evaluate((el, t) => {
    const v = el.cmView;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t }, userEvent: "input.type" });
  }, text);
}

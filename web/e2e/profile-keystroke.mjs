// Profiles keystrokes in the studio on T2 with Chromium's sampling profiler (CDP
// Profiler.start/stop around each keystroke) and prints the self time by function, top first.
//   node web/e2e/profile-keystroke.mjs [outdir]   (needs web/dist; NO_WASM_OPT=1 keeps names)
import { writeFileSync } from "node:fs";
import { launchBrowser, startServer } from "./harness.mjs";

const out = process.argv[2] ?? "/tmp";
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(180_000);
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") console.log("console:", m.text()); });
  await page.goto(`${server.url}?generated=t2`);
  await page.locator("main[data-analysis-path]").waitFor();
  await page.getByTestId("summary").getByText(/expectations hold/).waitFor();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  const keystroke = (change) => page.evaluate(async (change) => {
    const v = document.querySelector("[data-testid=source]").cmView;
    const doc = v.state.doc.toString();
    let spec;
    if (change.append) spec = { from: doc.length, insert: change.append };
    else {
      const at = doc.indexOf(change.from, doc.indexOf(change.after));
      spec = { from: at, to: at + change.from.length, insert: change.to };
    }
    const t0 = performance.now();
    v.dispatch({ changes: spec, userEvent: "input.type" });
    const t1 = performance.now();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { sync: t1 - t0, total: performance.now() - t0, len: doc.length };
  }, change);
  const kinds = {
    comment: (i) => ({ append: `# keystroke ${i}\n` }),
    priority: (i) => ({ after: "  nsg7:\n", from: i % 2 ? "priority: 1050," : "priority: 105,", to: i % 2 ? "priority: 105," : "priority: 1050," }),
  };
  for (const [kind, change] of Object.entries(kinds)) {
    const agg = new Map();
    const times = [];
    for (let i = 0; i < 6; i++) {
      await page.waitForTimeout(Number(process.env.WAIT_MS ?? 1500)); // by default the refresh after a pause runs outside the profile
      await cdp.send("Profiler.start");
      const t = await keystroke(change(i));
      const { profile } = await cdp.send("Profiler.stop");
      times.push(t);
      if (i === 0) writeFileSync(`${out}/keystroke-${kind}.cpuprofile`, JSON.stringify(profile));
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const parent = new Map();
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      const label = (n) => `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}`;
      const dt = profile.timeDeltas;
      profile.samples.forEach((id, k) => {
        const ms = (dt[k + 1] ?? 0) / 1000;
        const self = "self " + label(byId.get(id));
        agg.set(self, (agg.get(self) ?? 0) + ms);
        // Inclusive: every distinct function on the stack.
        const seen = new Set();
        for (let n = id; n !== undefined; n = parent.get(n)) {
          const name = "incl " + label(byId.get(n));
          if (!seen.has(name)) { seen.add(name); agg.set(name, (agg.get(name) ?? 0) + ms); }
        }
      });
    }
    console.log(`== ${kind}: ${times.map((t) => `${t.total.toFixed(0)} (sync ${t.sync.toFixed(0)})`).join(", ")} ms; doc ${times[0].len} chars`);
    for (const kind of ["self", "incl"]) {
      const rows = [...agg].filter(([n]) => n.startsWith(kind)).sort((a, b) => b[1] - a[1]).slice(0, kind === "self" ? 30 : 60);
      for (const [name, ms] of rows) console.log(`${(ms / times.length).toFixed(1).padStart(7)} ms/keystroke  ${name}`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}

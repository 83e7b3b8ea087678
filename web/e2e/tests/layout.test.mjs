// End-to-end: the diagram's layered layout (ELK, in a web worker) on every bundled design: no
// link crosses a VNet it does not connect, top-level boxes do not overlap, every box's text fits
// in it, and the layout is the same each time the design is opened.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startApp, waitForText } from "../harness.mjs";

// Whether the segment a→b passes through the inside of rectangle r (Liang–Barsky clipping;
// touching the border does not count).
function crosses([ax, ay], [bx, by], r) {
  const inset = 1;
  const [x0, y0, x1, y1] = [r.x + inset, r.y + inset, r.x + r.w - inset, r.y + r.h - inset];
  let [t0, t1] = [0, 1];
  const dx = bx - ax;
  const dy = by - ay;
  for (const [p, q] of [[-dx, ax - x0], [dx, x1 - ax], [-dy, ay - y0], [dy, y1 - ay]]) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
    }
  }
  return t0 < t1;
}

const inside = (a, b) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;

async function geometry(page) {
  return page.getByTestId("diagram").evaluate((el) => {
    const rect = (g) => {
      const r = g.querySelector(":scope > rect");
      return { id: g.dataset.id, cls: g.getAttribute("class").split(" ")[0], x: +r.getAttribute("x"), y: +r.getAttribute("y"), w: +r.getAttribute("width"), h: +r.getAttribute("height") };
    };
    const boxes = [...el.querySelectorAll("g[data-id]")].map(rect);
    const links = [...el.querySelectorAll("path.link")].map((p) => ({
      from: p.dataset.from,
      to: p.dataset.to,
      points: [...p.getAttribute("d").matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [+m[1], +m[2]]),
    }));
    // Text that spills out of its box (SVG text measured by the browser).
    const spills = [...el.querySelectorAll("g[data-id]")].flatMap((g) => {
      const r = g.querySelector(":scope > rect").getBBox();
      return [...g.querySelectorAll(":scope > text")]
        .filter((t) => t.textContent && t.getBBox().x + t.getBBox().width > r.x + r.width + 0.5)
        .map((t) => `${g.dataset.id}: "${t.textContent}"`);
    });
    return { boxes, links, spills };
  });
}

test("ELK lays every bundled design out: no link crosses a VNet it does not connect", { timeout: 180_000 }, async (t) => {
  const app = await startApp(t, { viewport: { width: 1440, height: 900 } });
  const { page } = app;
  await page.goto(app.url);
  // The scenario list is filled once the app has started.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="scenario"] option').length >= 10, null, { timeout: 30_000 });
  const names = (await page.getByTestId("scenario").locator("option").allTextContents()).filter((n) => !n.startsWith("—"));
  assert.ok(names.length >= 10, `${names.length} scenarios`);
  for (const name of names) {
    await page.getByTestId("scenario").selectOption(name);
    await waitForText(page.getByTestId("design-name"), `${name}.yaml`);
    await page.locator('[data-testid=diagram][data-layout="elk"]').waitFor({ timeout: 30_000 });
    const { boxes, links, spills } = await geometry(page);
    const byId = new Map(boxes.map((b) => [b.id, b]));
    const vnets = boxes.filter((b) => b.cls === "vnet");
    for (const l of links) {
      const ends = [byId.get(l.from), byId.get(l.to)];
      assert.ok(ends[0] && ends[1], `${name}: link ${l.from} – ${l.to} has both ends`);
      assert.ok(l.points.length >= 2, `${name}: link ${l.from} – ${l.to} is routed`);
      for (const v of vnets) {
        // A link may run inside the VNets holding either of its ends.
        if (ends.some((e) => inside(e, v))) continue;
        for (let i = 1; i < l.points.length; i++) {
          assert.ok(!crosses(l.points[i - 1], l.points[i], v), `${name}: link ${l.from} – ${l.to} crosses ${v.id}`);
        }
      }
    }
    const top = boxes.filter((b) => ["vnet", "service", "site"].includes(b.cls));
    for (let i = 0; i < top.length; i++) {
      for (const b of top.slice(i + 1)) {
        const apart = top[i].x + top[i].w <= b.x || b.x + b.w <= top[i].x || top[i].y + top[i].h <= b.y || b.y + b.h <= top[i].y;
        assert.ok(apart, `${name}: ${top[i].id} overlaps ${b.id}`);
      }
    }
    for (const b of boxes.filter((b) => b.cls !== "vnet" && b.cls !== "service" && b.cls !== "site")) {
      const parent = vnets.find((v) => inside(b, v)) ?? top.find((v) => inside(b, v));
      assert.ok(b.cls === "subnet" ? parent : true, `${name}: ${b.id} sits in a VNet`);
    }
    assert.deepEqual(spills, [], `${name}: text spills out of its box`);
  }
  await page.getByTestId("scenario").selectOption("aml-hub-spoke-firewall");
  await page.locator('[data-testid=diagram][data-layout="elk"]').waitFor();
  await app.screenshot("diagram-elk");
  const first = await geometry(page);
  await page.getByTestId("scenario").selectOption(names[0]);
  await waitForText(page.getByTestId("design-name"), `${names[0]}.yaml`);
  await page.getByTestId("scenario").selectOption("aml-hub-spoke-firewall");
  await waitForText(page.getByTestId("design-name"), "aml-hub-spoke-firewall.yaml");
  await page.locator('[data-testid=diagram][data-layout="elk"]').waitFor();
  assert.deepEqual(await geometry(page), first, "the same design is laid out the same way");
  app.assertNoErrors();
});

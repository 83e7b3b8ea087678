// The browser app's JavaScript parts, bundled by esbuild into dist/vendor.js (web/build.sh) and
// reached from Rust through `globalThis.vnetlabJs` (web/src/js.rs). Everything is local: no
// request leaves the page.
//
// - layout(graph, done): ELK's layered layout of the diagram (elkjs). `graph` is ELK's JSON
//   graph as text; `done(result, error)` gets the absolute geometry as text:
//   {"width":W,"height":H,"nodes":{"id":[x,y,w,h]},"edges":{"id":[[x,y],…]}}.
//   ELK runs in a web worker (dist/elk-worker.min.js), so a large diagram never blocks the page.
import ELK from "elkjs/lib/elk-api.js";
import * as editor from "./editor.mjs";

const elk = new ELK({ workerUrl: new URL("elk-worker.min.js", document.baseURI).href });

// ELK gives coordinates relative to the parent node (edges: relative to their container).
function flatten(root) {
  const nodes = {};
  const offsets = { [root.id]: [0, 0] };
  const edges = {};
  const edgeLists = [];
  const walk = (n, ox, oy) => {
    for (const c of n.children ?? []) {
      const x = ox + c.x;
      const y = oy + c.y;
      nodes[c.id] = [x, y, c.width, c.height];
      offsets[c.id] = [x, y];
      walk(c, x, y);
    }
    if (n.edges) edgeLists.push([n.id, n.edges]);
  };
  walk(root, 0, 0);
  for (const [owner, list] of edgeLists) {
    for (const e of list) {
      const [ox, oy] = offsets[e.container ?? owner] ?? offsets[owner];
      const points = [];
      for (const s of e.sections ?? []) {
        points.push([ox + s.startPoint.x, oy + s.startPoint.y]);
        for (const b of s.bendPoints ?? []) points.push([ox + b.x, oy + b.y]);
        points.push([ox + s.endPoint.x, oy + s.endPoint.y]);
      }
      edges[e.id] = points;
    }
  }
  return { width: root.width, height: root.height, nodes, edges };
}

function layout(graph, done) {
  let parsed;
  try {
    parsed = JSON.parse(graph);
  } catch (e) {
    done(null, String(e));
    return;
  }
  elk
    .layout(parsed)
    .then((out) => done(JSON.stringify(flatten(out)), null))
    .catch((e) => done(null, String(e && e.message ? e.message : e)));
}

globalThis.vnetlabJs = { layout, editor };

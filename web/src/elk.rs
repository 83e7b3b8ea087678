//! The diagram's layered layout by ELK (the Eclipse Layout Kernel, elkjs from npm, bundled in
//! `dist/vendor.js` and run in a web worker). [`Diagram::of`] places the boxes in a grid at once;
//! [`graph`] gives ELK the same boxes as a compound graph (VNets holding subnets holding their
//! chips; sites, VNets and services left to right along the links), and [`Geometry`] — ELK's
//! answer, flattened to absolute coordinates by `web/js/vendor.mjs` — replaces the grid's
//! positions and gives every link its orthogonal route around the boxes it does not connect.
//! Pure, so it is unit-tested natively; the browser test checks ELK's answer itself.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::layout::{Diagram, LinkKind, Node, NodeKind};

/// Average advance of a character of the diagram's 12 px font, for sizing boxes to their text.
const CHAR_W: f64 = 6.9;
/// The same for the 10.5 px notes.
const NOTE_CHAR_W: f64 = 6.1;

/// Where ELK put everything, in absolute coordinates.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Geometry {
    /// Width of the whole drawing.
    pub width: f64,
    /// Height of the whole drawing.
    pub height: f64,
    /// Box id → [x, y, width, height].
    pub nodes: BTreeMap<String, [f64; 4]>,
    /// Link id (`link-N`, N its index in [`Diagram::links`]) → its corner points.
    pub edges: BTreeMap<String, Vec<[f64; 2]>>,
}

impl Geometry {
    /// Reads the geometry `web/js/vendor.mjs` hands back.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("layout result: {e}"))
    }
}

fn text_width(label: &str, note: &str) -> f64 {
    let chars = |s: &str| s.chars().count() as f64;
    (chars(label) * CHAR_W).max(chars(note) * NOTE_CHAR_W) + 18.0
}

/// The minimum size ELK may give a box: its text must fit.
fn min_size(n: &Node) -> (f64, f64) {
    match n.kind {
        NodeKind::Vnet => (text_width(&n.label, &n.note).max(200.0), 60.0),
        NodeKind::Subnet => (text_width(&n.label, &n.note).max(180.0), 44.0),
        NodeKind::Site | NodeKind::Service => (text_width(&n.label, &n.note).max(150.0), 44.0),
        NodeKind::Workload | NodeKind::Firewall | NodeKind::Gateway | NodeKind::PrivateEndpoint => {
            (
                (n.label.chars().count() as f64 * CHAR_W + 14.0).max(120.0),
                20.0,
            )
        }
    }
}

/// How deep a box sits: 0 for VNets, sites and services, 1 for subnets, 2 for chips.
fn depth_of(parents: &BTreeMap<&str, Option<&str>>, n: &Node) -> usize {
    let mut depth = 0;
    let mut parent = n.parent.as_deref();
    while let Some(p) = parent {
        depth += 1;
        parent = parents.get(p).copied().flatten();
    }
    depth
}

/// ELK's JSON graph of the diagram's boxes and links (the input of `vnetlabJs.layout`).
pub fn graph(d: &Diagram) -> String {
    let mut children: BTreeMap<Option<&str>, Vec<&Node>> = BTreeMap::new();
    for n in &d.nodes {
        children.entry(n.parent.as_deref()).or_default().push(n);
    }
    // Boxes side by side in one box get one width (ELK centres a layer's boxes, so boxes of
    // different widths would stagger): the widest text's.
    // A box needs its text's width, and its children's plus the padding; children first (the
    // deepest boxes are the chips, then subnets).
    let mut widths: BTreeMap<Option<&str>, f64> = BTreeMap::new();
    let parents: BTreeMap<&str, Option<&str>> = d
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.parent.as_deref()))
        .collect();
    for depth in [2, 1] {
        for n in d.nodes.iter().filter(|n| depth_of(&parents, n) == depth) {
            let own = min_size(n).0;
            let inner = widths.get(&Some(n.id.as_str())).map_or(0.0, |w| w + 20.0);
            let w = widths.entry(n.parent.as_deref()).or_default();
            *w = w.max(own.max(inner));
        }
    }
    fn node(
        n: &Node,
        children: &BTreeMap<Option<&str>, Vec<&Node>>,
        widths: &BTreeMap<Option<&str>, f64>,
    ) -> Value {
        let (mut w, h) = min_size(n);
        if n.parent.is_some() {
            w = widths.get(&n.parent.as_deref()).copied().unwrap_or(w);
        }
        if let Some(inner) = widths.get(&Some(n.id.as_str())) {
            w = w.max(inner + 20.0);
        }
        match children.get(&Some(n.id.as_str())) {
            Some(kids) => {
                // Room above the children for the box's title and note.
                let top = if n.kind == NodeKind::Vnet { 44 } else { 40 };
                json!({
                    "id": n.id,
                    "layoutOptions": {
                        "elk.padding": format!("[top={top},left=10,bottom=8,right=10]"),
                        "elk.nodeSize.constraints": "[MINIMUM_SIZE]",
                        "elk.nodeSize.minimum": format!("({w:.0}, {h:.0})"),
                        "elk.spacing.nodeNode": 6,
                    },
                    "children": kids.iter().map(|k| node(k, children, widths)).collect::<Vec<_>>(),
                })
            }
            None => json!({ "id": n.id, "width": w.round(), "height": h }),
        }
    }
    let top: Vec<Value> = children
        .get(&None)
        .map(|v| v.iter().map(|n| node(n, &children, &widths)).collect())
        .unwrap_or_default();
    let edges: Vec<Value> = d
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            // Left to right: on-premises sites, then the hub, its spokes, then services.
            let (s, t) = match l.kind {
                LinkKind::SiteConnection => (&l.to, &l.from),
                LinkKind::PrivateLink | LinkKind::Peering => (&l.from, &l.to),
            };
            json!({ "id": format!("link-{i}"), "sources": [s], "targets": [t] })
        })
        .collect();
    json!({
        "id": "root",
        "layoutOptions": {
            "elk.algorithm": "layered",
            "elk.direction": "RIGHT",
            "elk.hierarchyHandling": "INCLUDE_CHILDREN",
            "elk.edgeRouting": "ORTHOGONAL",
            "elk.padding": "[top=20,left=20,bottom=20,right=20]",
            "elk.spacing.nodeNode": 24,
            "elk.spacing.edgeNode": 14,
            "elk.spacing.edgeEdge": 8,
            "elk.layered.spacing.nodeNodeBetweenLayers": 48,
            "elk.layered.spacing.edgeNodeBetweenLayers": 16,
            "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
        },
        "children": top,
        "edges": edges,
    })
    .to_string()
}

impl Diagram {
    /// The diagram with ELK's positions and link routes. Boxes ELK did not place keep their
    /// grid position (there are none unless the design changed in between).
    pub fn with_geometry(&self, g: &Geometry) -> Diagram {
        let mut d = self.clone();
        for n in &mut d.nodes {
            if let Some(&[x, y, w, h]) = g.nodes.get(&n.id) {
                (n.x, n.y, n.w, n.h) = (x, y, w, h);
            }
        }
        for (i, l) in d.links.iter_mut().enumerate() {
            if let Some(points) = g.edges.get(&format!("link-{i}")) {
                l.route = points.iter().map(|&[x, y]| (x, y)).collect();
            }
        }
        d.width = g.width.max(1.0);
        d.height = g.height.max(1.0);
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::SCENARIOS;

    fn diagram(name: &str) -> Diagram {
        let text = SCENARIOS.iter().find(|(n, _)| *n == name).unwrap().1;
        let d = vnetlab_core::load(name, text.as_bytes(), &Default::default())
            .design
            .unwrap();
        Diagram::of(&d)
    }

    fn ids(v: &Value, out: &mut Vec<String>) {
        out.push(v["id"].as_str().unwrap().to_string());
        for c in v["children"].as_array().into_iter().flatten() {
            ids(c, out);
        }
    }

    #[test]
    fn the_graph_holds_every_box_once_nested_as_drawn_and_every_link() {
        for (name, _) in SCENARIOS {
            let d = diagram(name);
            let g: Value = serde_json::from_str(&graph(&d)).unwrap();
            let mut seen = Vec::new();
            ids(&g, &mut seen);
            let mut want: Vec<String> = d.nodes.iter().map(|n| n.id.clone()).collect();
            want.push("root".into());
            seen.sort();
            want.sort();
            assert_eq!(seen, want, "{name}");
            for n in d.nodes.iter().filter(|n| n.kind == NodeKind::Subnet) {
                let vnet = g["children"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| Some(c["id"].as_str().unwrap()) == n.parent.as_deref())
                    .unwrap_or_else(|| panic!("{name}: {} not under its VNet", n.id));
                assert!(
                    vnet["children"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|c| c["id"] == n.id.as_str())
                );
            }
            assert_eq!(
                g["edges"].as_array().unwrap().len(),
                d.links.len(),
                "{name}"
            );
        }
    }

    #[test]
    fn geometry_replaces_positions_and_routes_links() {
        let d = diagram("aml-private-endpoints");
        let first = d.nodes[0].id.clone();
        let text = format!(
            r#"{{"width":900,"height":400,"nodes":{{"{first}":[12,14,300,200]}},"edges":{{"link-0":[[1,2],[3,2],[3,9]]}}}}"#
        );
        let laid = d.with_geometry(&Geometry::parse(&text).unwrap());
        let n = laid.node(&first).unwrap();
        assert_eq!((n.x, n.y, n.w, n.h), (12.0, 14.0, 300.0, 200.0));
        assert_eq!(
            laid.links[0].route,
            vec![(1.0, 2.0), (3.0, 2.0), (3.0, 9.0)]
        );
        assert_eq!((laid.width, laid.height), (900.0, 400.0));
        // Boxes ELK did not mention keep the grid's place.
        assert_eq!(laid.nodes[1].x, d.nodes[1].x);
    }

    #[test]
    fn a_bad_answer_is_an_error_not_a_panic() {
        assert!(Geometry::parse("{").is_err());
        assert!(Geometry::parse(r#"{"width":1}"#).is_err());
    }

    #[test]
    fn boxes_are_wide_enough_for_their_text() {
        let d = diagram("aml-private-endpoints");
        for n in &d.nodes {
            let (w, _) = min_size(n);
            assert!(w >= n.label.chars().count() as f64 * CHAR_W, "{}", n.id);
        }
    }
}

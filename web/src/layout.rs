//! The diagram's geometry, computed from the validated model: VNets as regions holding their
//! subnets, subnets holding workloads, firewalls, gateways and private endpoints; on-premises
//! sites on the left, PaaS services on the right; peerings, private links and site connections
//! as links. Pure (no DOM), so it is unit-tested natively; [`to_svg`] draws it for the page and
//! for the SVG export alike.

use std::collections::BTreeMap;
use std::fmt::Write;

use vnetlab_core::model::{Design, ElementRef};

/// What a box stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A virtual network (a region holding subnets).
    Vnet,
    /// A subnet.
    Subnet,
    /// A workload's NIC.
    Workload,
    /// A firewall or NVA.
    Firewall,
    /// A VPN / ExpressRoute gateway.
    Gateway,
    /// A private endpoint.
    PrivateEndpoint,
    /// A PaaS service.
    Service,
    /// An on-premises site.
    Site,
}

impl NodeKind {
    fn class(self) -> &'static str {
        match self {
            NodeKind::Vnet => "vnet",
            NodeKind::Subnet => "subnet",
            NodeKind::Workload => "workload",
            NodeKind::Firewall => "firewall",
            NodeKind::Gateway => "gateway",
            NodeKind::PrivateEndpoint => "pe",
            NodeKind::Service => "service",
            NodeKind::Site => "site",
        }
    }
}

/// A box of the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Unique id, e.g. `subnet:ml/training`.
    pub id: String,
    /// The element's name as the analyses write it (`ml/training`, `trainer`).
    pub name: String,
    /// The id of the box it is drawn in (a subnet's VNet, a chip's subnet).
    pub parent: Option<String>,
    /// What it is.
    pub kind: NodeKind,
    /// First line of text.
    pub label: String,
    /// Second line (prefix, NSG and route table, kind), may be empty.
    pub note: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Node {
    fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// What a link stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// A VNet peering (drawn once per pair).
    Peering,
    /// A private endpoint to its service.
    PrivateLink,
    /// A gateway to an on-premises site.
    SiteConnection,
}

/// A line between two boxes.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Id of one end.
    pub from: String,
    /// Id of the other end.
    pub to: String,
    /// What it is.
    pub kind: LinkKind,
    /// Where it runs, from the layout (corner points, absolute); empty: a straight line
    /// between the two boxes.
    pub route: Vec<(f64, f64)>,
}

/// The whole diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
    /// Boxes, parents before children.
    pub nodes: Vec<Node>,
    /// Links.
    pub links: Vec<Link>,
    /// Boxes not drawn because their VNet is collapsed (see [`MAX_SUBNETS`]): their id and
    /// name, each with the id of the box that stands for them.
    pub hidden: Vec<Hidden>,
}

/// A box left out of a collapsed VNet, and the box drawn for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Hidden {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The box drawn in its place (the VNet's "more subnets" box).
    pub shown_as: String,
}

/// A VNet shows at most this many subnets; the rest are summed up in one "more subnets" box
/// (a large design's diagram stays readable and cheap to lay out).
pub const MAX_SUBNETS: usize = 8;
/// With more subnets than this in the whole design, each VNet shows at most
/// [`MAX_SUBNETS_LARGE`] of them.
pub const LARGE_DESIGN: usize = 150;
/// See [`LARGE_DESIGN`].
pub const MAX_SUBNETS_LARGE: usize = 2;

const VNET_W: f64 = 280.0;
const GAP: f64 = 40.0;
const SIDE_W: f64 = 190.0;
const CHIP_H: f64 = 20.0;
const MAX_COLS: usize = 3;

impl Diagram {
    /// Lays a design out: sites | VNets in a grid (most-peered first) | services.
    pub fn of(d: &Design) -> Self {
        let mut g = Diagram::default();
        // Chips per subnet, in a stable order.
        let mut chips: BTreeMap<usize, Vec<(NodeKind, String, String, String)>> = BTreeMap::new();
        for gw in &d.gateways {
            chips.entry(gw.subnet.ix()).or_default().push((
                NodeKind::Gateway,
                ElementRef::Gateway(gw.name.clone()).id(),
                gw.name.clone(),
                format!("⇄ {} ({})", gw.name, gw.kind),
            ));
        }
        for f in &d.firewalls {
            chips.entry(f.subnet.ix()).or_default().push((
                NodeKind::Firewall,
                ElementRef::Firewall(f.name.clone()).id(),
                f.name.clone(),
                format!("▦ {} {}", f.name, f.ip),
            ));
        }
        for w in &d.workloads {
            chips.entry(w.subnet.ix()).or_default().push((
                NodeKind::Workload,
                ElementRef::Workload(w.name.clone()).id(),
                w.name.clone(),
                format!("● {} {}", w.name, w.ip),
            ));
        }
        for pe in &d.private_endpoints {
            chips.entry(pe.subnet.ix()).or_default().push((
                NodeKind::PrivateEndpoint,
                ElementRef::PrivateEndpoint(pe.name.clone()).id(),
                pe.name.clone(),
                format!("◆ {} {}", pe.name, pe.ip),
            ));
        }

        // VNet order: most peerings first (the hub), then by name.
        let mut order: Vec<usize> = (0..d.vnets.len()).collect();
        let degree = |v: usize| d.peerings.iter().filter(|p| p.local.ix() == v).count();
        order.sort_by(|&a, &b| {
            degree(b)
                .cmp(&degree(a))
                .then(d.vnets[a].name.cmp(&d.vnets[b].name))
        });

        let left = if d.sites.is_empty() {
            20.0
        } else {
            20.0 + SIDE_W + GAP
        };
        let cap = if d.subnets.len() > LARGE_DESIGN {
            MAX_SUBNETS_LARGE
        } else {
            MAX_SUBNETS
        };
        let cols = order.len().clamp(1, MAX_COLS);
        let mut row_y = 20.0;
        let mut bottom: f64 = 20.0;
        for (i, &v) in order.iter().enumerate() {
            let col = i % cols;
            if col == 0 && i > 0 {
                row_y = bottom + GAP;
            }
            let vnet = &d.vnets[v];
            let x = left + col as f64 * (VNET_W + GAP);
            let vnet_ix = g.nodes.len();
            let space: Vec<String> = vnet.address_space.iter().map(|n| n.to_string()).collect();
            let vnet_id = ElementRef::Vnet(vnet.name.clone()).id();
            g.nodes.push(Node {
                id: vnet_id.clone(),
                name: vnet.name.clone(),
                parent: None,
                kind: NodeKind::Vnet,
                label: format!("VNet {}", vnet.name),
                note: space.join(", "),
                x,
                y: row_y,
                w: VNET_W,
                h: 0.0,
            });
            let mut y = row_y + 44.0;
            let shown = vnet.subnets.len().min(cap);
            let more_id = format!("more:{}", vnet.name);
            for s in &vnet.subnets[shown..] {
                let sub = &d.subnets[s.ix()];
                g.hidden.push(Hidden {
                    id: ElementRef::Subnet(sub.name.clone()).id(),
                    name: sub.name.clone(),
                    shown_as: more_id.clone(),
                });
                for (_, id, name, _) in chips.remove(&s.ix()).unwrap_or_default() {
                    g.hidden.push(Hidden {
                        id,
                        name,
                        shown_as: more_id.clone(),
                    });
                }
            }
            for s in &vnet.subnets[..shown] {
                let sub = &d.subnets[s.ix()];
                let mut note = sub.prefixes_text();
                if let Some(n) = sub.nsg {
                    let _ = write!(note, " · NSG {}", d.nsgs[n.ix()].name);
                }
                if let Some(r) = sub.route_table {
                    let _ = write!(note, " · RT {}", d.route_tables[r.ix()].name);
                }
                let items = chips.remove(&s.ix()).unwrap_or_default();
                let h = 44.0 + items.len() as f64 * (CHIP_H + 4.0);
                let subnet_id = ElementRef::Subnet(sub.name.clone()).id();
                g.nodes.push(Node {
                    id: subnet_id.clone(),
                    name: sub.name.clone(),
                    parent: Some(vnet_id.clone()),
                    kind: NodeKind::Subnet,
                    label: sub.short_name.clone(),
                    note,
                    x: x + 10.0,
                    y,
                    w: VNET_W - 20.0,
                    h,
                });
                let mut cy = y + 40.0;
                for (kind, id, name, label) in items {
                    g.nodes.push(Node {
                        id,
                        name,
                        parent: Some(subnet_id.clone()),
                        kind,
                        label,
                        note: String::new(),
                        x: x + 20.0,
                        y: cy,
                        w: VNET_W - 40.0,
                        h: CHIP_H,
                    });
                    cy += CHIP_H + 4.0;
                }
                y += h + 8.0;
            }
            if shown < vnet.subnets.len() {
                let more = vnet.subnets.len() - shown;
                g.nodes.push(Node {
                    id: more_id,
                    name: String::new(),
                    parent: Some(vnet_id.clone()),
                    kind: NodeKind::Subnet,
                    label: format!("+ {more} more subnets"),
                    note: "collapsed: the verdicts and the source show them".into(),
                    x: x + 10.0,
                    y,
                    w: VNET_W - 20.0,
                    h: 44.0,
                });
                y += 52.0;
            }
            let h = (y - row_y + 2.0).max(60.0);
            g.nodes[vnet_ix].h = h;
            bottom = bottom.max(row_y + h);
        }
        let right = left + cols as f64 * (VNET_W + GAP);

        // Sites on the left, services on the right.
        let mut sy = 20.0;
        for site in &d.sites {
            let p: Vec<String> = site.prefixes.iter().map(|n| n.to_string()).collect();
            g.nodes.push(Node {
                id: ElementRef::Site(site.name.clone()).id(),
                name: site.name.clone(),
                parent: None,
                kind: NodeKind::Site,
                label: format!("on-prem {}", site.short_name),
                note: p.join(", "),
                x: 20.0,
                y: sy,
                w: SIDE_W,
                h: 44.0,
            });
            g.links.push(Link {
                from: ElementRef::gateway(d, site.gateway).id(),
                to: ElementRef::Site(site.name.clone()).id(),
                kind: LinkKind::SiteConnection,
                route: Vec::new(),
            });
            sy += 56.0;
        }
        let mut vy = 20.0;
        for svc in &d.services {
            let access = if svc.public_network_access {
                "public on"
            } else {
                "public off"
            };
            g.nodes.push(Node {
                id: ElementRef::Service(svc.name.clone()).id(),
                name: svc.name.clone(),
                parent: None,
                kind: NodeKind::Service,
                label: svc.name.clone(),
                note: format!("{} · {access}", svc.kind),
                x: right,
                y: vy,
                w: SIDE_W,
                h: 44.0,
            });
            vy += 56.0;
        }
        for pe in &d.private_endpoints {
            g.links.push(Link {
                from: ElementRef::PrivateEndpoint(pe.name.clone()).id(),
                to: ElementRef::service(d, pe.service).id(),
                kind: LinkKind::PrivateLink,
                route: Vec::new(),
            });
        }
        for p in &d.peerings {
            if p.local.ix() < p.remote.ix()
                || !d
                    .peerings
                    .iter()
                    .any(|q| q.local == p.remote && q.remote == p.local)
            {
                g.links.push(Link {
                    from: ElementRef::vnet(d, p.local).id(),
                    to: ElementRef::vnet(d, p.remote).id(),
                    kind: LinkKind::Peering,
                    route: Vec::new(),
                });
            }
        }
        // Links to a box left out of a collapsed VNet end at the box drawn for it.
        for l in &mut g.links {
            for end in [&mut l.from, &mut l.to] {
                if let Some(h) = g.hidden.iter().find(|h| h.id == *end) {
                    *end = h.shown_as.clone();
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        g.links
            .retain(|l| seen.insert((l.from.clone(), l.to.clone(), l.kind as u8)));
        g.width = right
            + if d.services.is_empty() {
                0.0
            } else {
                SIDE_W + 20.0
            };
        g.height = bottom.max(sy).max(vy) + 20.0;
        g
    }

    /// The node with this id (for a box left out of a collapsed VNet, the box drawn for it).
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id).or_else(|| {
            let h = self.hidden.iter().find(|h| h.id == id)?;
            self.nodes.iter().find(|n| n.id == h.shown_as)
        })
    }

    /// The box of an element: the element's own box (same id), else the box of the element
    /// holding it — a rule's firewall, a system route's subnet, a peering's VNet, a setting's
    /// element. `None` for elements the diagram does not draw (an NSG, a DNS name, an
    /// address outside the design).
    pub fn node_for(&self, e: &ElementRef) -> Option<&Node> {
        let mut e = e.clone();
        loop {
            if let Some(n) = self.node(&e.id()) {
                return Some(n);
            }
            e = e.parent()?;
        }
    }
}

/// What to emphasise when drawing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Highlight {
    /// Node ids on the selected flow's path, in order.
    pub path: Vec<String>,
    /// Numbered hop badges: (node id, hop number, passed, the deciding rule).
    pub hops: Vec<(String, usize, bool, String)>,
    /// The selected hop's node id.
    pub current: Option<String>,
    /// The flow is denied: its path is drawn in red, ending in a crossed-out segment to
    /// `blocked` (the destination it does not reach), when that is on the diagram.
    pub denied: bool,
    /// The destination a denied flow does not reach.
    pub blocked: Option<String>,
    /// The box selected by a click (its element's form is open).
    pub selected: Option<String>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Where the segment from `a`'s centre towards `b`'s centre leaves `a`'s box.
fn border(a: &Node, toward: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = a.center();
    let (dx, dy) = (toward.0 - cx, toward.1 - cy);
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let sx = if dx != 0.0 {
        (a.w / 2.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let sy = if dy != 0.0 {
        (a.h / 2.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    let s = sx.min(sy);
    (cx + dx * s, cy + dy * s)
}

const STYLE: &str = "text{font-family:system-ui,sans-serif;font-size:12px;fill:#1b2430}\
.vnet rect{fill:#eef4fb;stroke:#3a6ea5;stroke-width:1.5}\
.subnet rect{fill:#fff;stroke:#8aa6c1}\
.workload rect{fill:#e8f5e9;stroke:#5b9a5f}.firewall rect{fill:#fdecea;stroke:#c0504d}\
.gateway rect{fill:#fff6e0;stroke:#c49a2c}.pe rect{fill:#f1e8fb;stroke:#7d57a8}\
.service rect{fill:#f1e8fb;stroke:#7d57a8;stroke-width:1.5}.site rect{fill:#fff6e0;stroke:#c49a2c;stroke-width:1.5}\
.note{font-size:10.5px;fill:#4a5a6a}.title{font-weight:600}\
.link{fill:none;stroke:#7b8a99;stroke-width:1.5}.link.peering{stroke:#3a6ea5;stroke-width:2.5}\
.link.privatelink{stroke-dasharray:5 3;stroke:#7d57a8}.link.site{stroke:#c49a2c;stroke-dasharray:2 3}\
.on-path rect{stroke:#0b7a3b;stroke-width:3}.current rect{stroke:#e07b00;stroke-width:4}\
.path{fill:none;stroke:#0b7a3b;stroke-width:3;opacity:.55;marker-end:url(#arrow)}\
.path.denied{stroke:#c62828;marker-end:url(#arrow-no)}.blocked-path{fill:none;stroke:#c62828;stroke-width:2;stroke-dasharray:4 4}\
.cross{stroke:#c62828;stroke-width:4}.blocked rect{stroke:#c62828;stroke-width:3;stroke-dasharray:6 3}\
.selected rect{stroke:#1f3b57;stroke-width:3;stroke-dasharray:2 2}g[data-id]{cursor:pointer}\
.badge circle{stroke:#fff;stroke-width:1.5}.badge.ok circle{fill:#0b7a3b}.badge.no circle{fill:#c62828}\
.badge text{fill:#fff;font-size:10px;font-weight:700;text-anchor:middle}";

/// Draws the diagram as a standalone SVG document (styles inline), with the highlight.
pub fn to_svg(g: &Diagram, hl: &Highlight) -> String {
    to_svg_scaled(g, hl, 1.0)
}

/// [`to_svg`] drawn `scale` times its natural size (the page's zoom).
pub fn to_svg_scaled(g: &Diagram, hl: &Highlight, scale: f64) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{sw:.0}" height="{sh:.0}" role="img" aria-label="Network diagram"><style>{STYLE}</style><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L10 5L0 10z" fill="#0b7a3b"/></marker><marker id="arrow-no" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L10 5L0 10z" fill="#c62828"/></marker></defs>"##,
        w = g.width.ceil(),
        h = g.height.ceil(),
        sw = g.width.ceil() * scale,
        sh = g.height.ceil() * scale,
    );
    if g.nodes.is_empty() {
        s.push_str(r#"<text x="20" y="30">Empty design: add a VNet.</text>"#);
    }
    for n in &g.nodes {
        let mut class = n.kind.class().to_string();
        if hl.path.contains(&n.id) {
            class.push_str(" on-path");
        }
        if hl.current.as_deref() == Some(&n.id) {
            class.push_str(" current");
        }
        if hl.blocked.as_deref() == Some(&n.id) {
            class.push_str(" blocked");
        }
        if hl.selected.as_deref() == Some(&n.id) {
            class.push_str(" selected");
        }
        let big = matches!(
            n.kind,
            NodeKind::Vnet | NodeKind::Subnet | NodeKind::Service | NodeKind::Site
        );
        let _ = write!(
            s,
            r#"<g class="{class}" data-id="{id}"><title>{title}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}"/>"#,
            id = esc(&n.id),
            title = esc(&n.name),
            x = n.x,
            y = n.y,
            w = n.w,
            h = n.h,
            r = if big { 6 } else { 3 },
        );
        if big {
            let _ = write!(
                s,
                r#"<text class="title" x="{}" y="{}">{}</text>"#,
                n.x + 8.0,
                n.y + 17.0,
                esc(&n.label)
            );
            let _ = write!(
                s,
                r#"<text class="note" x="{}" y="{}">{}</text>"#,
                n.x + 8.0,
                n.y + 32.0,
                esc(&n.note)
            );
        } else {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}">{}</text>"#,
                n.x + 6.0,
                n.y + 14.0,
                esc(&n.label)
            );
        }
        s.push_str("</g>");
    }
    for l in &g.links {
        let (Some(a), Some(b)) = (g.node(&l.from), g.node(&l.to)) else {
            continue;
        };
        let d = if l.route.len() > 1 {
            l.route
                .iter()
                .enumerate()
                .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { 'M' } else { 'L' }))
                .collect::<String>()
        } else {
            let (p, q) = (border(a, b.center()), border(b, a.center()));
            format!("M{:.1} {:.1}L{:.1} {:.1}", p.0, p.1, q.0, q.1)
        };
        let class = match l.kind {
            LinkKind::Peering => "link peering",
            LinkKind::PrivateLink => "link privatelink",
            LinkKind::SiteConnection => "link site",
        };
        let _ = write!(
            s,
            r#"<path class="{class}" d="{d}" data-from="{}" data-to="{}"><title>{}: {} – {}</title></path>"#,
            esc(&a.id),
            esc(&b.id),
            match l.kind {
                LinkKind::Peering => "peering",
                LinkKind::PrivateLink => "private link",
                LinkKind::SiteConnection => "site connection",
            },
            esc(&a.name),
            esc(&b.name)
        );
    }
    let pts: Vec<(f64, f64)> = hl
        .path
        .iter()
        .filter_map(|id| g.node(id))
        .map(Node::center)
        .collect();
    if pts.len() > 1 {
        let d: Vec<String> = pts
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { 'M' } else { 'L' }))
            .collect();
        let class = if hl.denied { "path denied" } else { "path" };
        let _ = write!(s, r#"<path class="{class}" d="{}"/>"#, d.join(""));
    }
    if let (Some(&(x0, y0)), Some((x1, y1))) = (
        pts.last(),
        hl.blocked
            .as_deref()
            .and_then(|id| g.node(id))
            .map(Node::center),
    ) {
        let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let _ = write!(
            s,
            r#"<g class="denied-hop"><title>denied: not reached</title><path class="blocked-path" d="M{x0:.1} {y0:.1}L{x1:.1} {y1:.1}"/><path class="cross" d="M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}"/></g>"#,
            mx - 7.0,
            my - 7.0,
            mx + 7.0,
            my + 7.0,
            mx - 7.0,
            my + 7.0,
            mx + 7.0,
            my - 7.0
        );
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, num, ok, detail) in &hl.hops {
        let Some(n) = g.node(id) else { continue };
        let k = seen.entry(id.as_str()).or_insert(0);
        let (cx, cy) = (n.x + n.w - 10.0 - *k as f64 * 18.0, n.y + 2.0);
        *k += 1;
        let _ = write!(
            s,
            r#"<g class="badge {}" data-hop="{num}"><title>{num}. {}</title><circle cx="{cx}" cy="{cy}" r="8"/><text x="{cx}" y="{}">{num}</text></g>"#,
            if *ok { "ok" } else { "no" },
            esc(detail),
            cy + 3.5
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::SCENARIOS;

    fn design(name: &str) -> Design {
        let text = SCENARIOS.iter().find(|(n, _)| *n == name).unwrap().1;
        vnetlab_core::load(name, text.as_bytes(), &Default::default())
            .design
            .unwrap()
    }

    fn inside(child: &Node, parent: &Node) -> bool {
        child.x >= parent.x
            && child.y >= parent.y
            && child.x + child.w <= parent.x + parent.w
            && child.y + child.h <= parent.y + parent.h
    }

    #[test]
    fn subnets_sit_inside_their_vnet_and_chips_inside_their_subnet() {
        for (name, _) in SCENARIOS {
            let d = design(name);
            let g = Diagram::of(&d);
            for s in &d.subnets {
                let sub = g.node(&format!("subnet:{}", s.name)).unwrap();
                let vnet = g
                    .node(&format!("vnet:{}", d.vnets[s.vnet.ix()].name))
                    .unwrap();
                assert!(inside(sub, vnet), "{name}: {} outside its VNet", s.name);
            }
            for w in &d.workloads {
                let chip = g.node(&format!("workload:{}", w.name)).unwrap();
                let sub = g
                    .node(&format!("subnet:{}", d.subnets[w.subnet.ix()].name))
                    .unwrap();
                assert!(inside(chip, sub), "{name}: {} outside its subnet", w.name);
            }
        }
    }

    #[test]
    fn vnet_regions_do_not_overlap_and_fit_the_canvas() {
        for (name, _) in SCENARIOS {
            let g = Diagram::of(&design(name));
            let tops: Vec<&Node> = g
                .nodes
                .iter()
                .filter(|n| matches!(n.kind, NodeKind::Vnet | NodeKind::Service | NodeKind::Site))
                .collect();
            for (i, a) in tops.iter().enumerate() {
                assert!(
                    a.x + a.w <= g.width && a.y + a.h <= g.height,
                    "{name}: {} off canvas",
                    a.id
                );
                for b in &tops[i + 1..] {
                    let apart = a.x + a.w <= b.x
                        || b.x + b.w <= a.x
                        || a.y + a.h <= b.y
                        || b.y + b.h <= a.y;
                    assert!(apart, "{name}: {} overlaps {}", a.id, b.id);
                }
            }
        }
    }

    #[test]
    fn private_endpoints_link_to_their_service() {
        let d = design("aml-private-endpoints");
        let g = Diagram::of(&d);
        assert!(
            g.links
                .iter()
                .any(|l| l.kind == LinkKind::PrivateLink && l.to == "service:mlstore")
        );
    }

    #[test]
    fn elements_map_to_their_box_or_the_box_holding_them() {
        use vnetlab_core::model::ElementRef;
        let g = Diagram::of(&design("aml-private-endpoints"));
        let subnet = ElementRef::Subnet("ml/training".into());
        assert_eq!(g.node_for(&subnet).unwrap().id, "subnet:ml/training");
        let route = ElementRef::SystemRoute {
            subnet: "ml/training".into(),
            prefix: "10.1.2.7/32".into(),
        };
        assert_eq!(g.node_for(&route).unwrap().id, "subnet:ml/training");
        let setting = ElementRef::Service("mlstore".into()).setting("public_network_access");
        assert_eq!(g.node_for(&setting).unwrap().id, "service:mlstore");
        // An NSG and a DNS name have no box of their own.
        assert!(
            g.node_for(&ElementRef::Nsg("training-nsg".into()))
                .is_none()
        );
        assert!(
            g.node_for(&ElementRef::DnsName("mlstore.blob.core.windows.net".into()))
                .is_none()
        );
        // Every box's id is the id of the element it stands for.
        for n in &g.nodes {
            let (kind, _) = n.id.split_once(':').unwrap();
            assert!(
                [
                    "vnet", "subnet", "workload", "firewall", "gateway", "pe", "service", "site"
                ]
                .contains(&kind),
                "{}",
                n.id
            );
        }
    }

    #[test]
    fn svg_is_standalone_and_marks_the_path() {
        let g = Diagram::of(&design("aml-private-endpoints"));
        let hl = Highlight {
            path: vec!["subnet:ml/training".into(), "service:mlstore".into()],
            hops: vec![(
                "subnet:ml/training".into(),
                1,
                true,
                "allowed <by> rule".into(),
            )],
            current: Some("service:mlstore".into()),
            ..Highlight::default()
        };
        let svg = to_svg(&g, &hl);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("class=\"subnet on-path\""));
        assert!(svg.contains("class=\"service on-path current\""));
        assert!(svg.contains("allowed &lt;by&gt; rule"));
        assert!(svg.ends_with("</svg>"));
    }
}

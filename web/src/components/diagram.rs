//! The diagram: the SVG drawn by [`crate::layout::to_svg_scaled`] with the selected flow's path
//! and hop badges (a denied flow in red, crossed out before the destination it does not reach),
//! the selected flow's trace beside it (always in view, whatever the scroll of the verdict list),
//! zoom (−, +, 100 %, fit), panning by scrolling, a click on a box to select it and open its
//! form, and its export as a standalone SVG file. The boxes are first drawn where the grid puts
//! them; ELK's layered layout ([`crate::elk`], in a web worker) replaces that when it answers.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{Props, Trace};
use crate::elk::{Geometry, graph};
use crate::export::{file_name, on_export};
use crate::layout::{to_svg, to_svg_scaled};
use crate::state::Action;

/// The diagram pane.
#[function_component(Diagram)]
pub fn diagram(p: &Props) -> Html {
    let s = &*p.state;
    let a = s.shown();
    let mut hl = s
        .selected
        .and_then(|i| a.trace(i))
        .map(|t| a.highlight(t, s.hop))
        .unwrap_or_default();
    hl.selected = s.node.clone();
    // The diagram of a new analysis is the previous one's (the same `Rc`) unless its boxes or
    // links changed (a rule edit draws nothing new): what is drawn from it is computed again
    // only then, not at every keystroke.
    let drawn = Rc::as_ptr(&a.diagram) as usize;
    // ELK's answer for the diagram with these boxes and links (by a hash of its input).
    let elk_input = {
        let d = Rc::clone(&a.diagram);
        use_memo(drawn, move |_| {
            let input = graph(&d);
            let mut h = DefaultHasher::new();
            input.hash(&mut h);
            (input, h.finish())
        })
    };
    let key = elk_input.1;
    let laid = use_state(|| None::<(u64, Rc<Geometry>)>);
    {
        let laid = laid.clone();
        use_effect_with(key, move |&key| {
            let started = crate::js::layout(&elk_input.0, move |answer| {
                match answer.and_then(|t| Geometry::parse(&t)) {
                    Ok(g) => laid.set(Some((key, Rc::new(g)))),
                    Err(e) => web_sys::console::warn_1(&format!("diagram layout: {e}").into()),
                }
            });
            if !started {
                web_sys::console::warn_1(&"diagram layout: ELK is not loaded; grid layout".into());
            }
        });
    }
    let elk = laid
        .as_ref()
        .filter(|(k, _)| *k == key)
        .map(|(_, g)| Rc::clone(g));
    let diagram = {
        let geometry = elk.as_ref().map(|g| Rc::as_ptr(g) as usize);
        let (d, elk) = (Rc::clone(&a.diagram), elk.clone());
        use_memo((drawn, geometry), move |_| match elk {
            Some(g) => Rc::new(d.with_geometry(&g)),
            None => d,
        })
    };
    let diagram: Rc<crate::layout::Diagram> = Rc::clone(&diagram);
    let svg = {
        let d = Rc::clone(&diagram);
        let deps = (Rc::as_ptr(&diagram) as usize, hl.clone(), s.zoom.to_bits());
        use_memo(deps, move |(_, hl, zoom)| {
            AttrValue::from(to_svg_scaled(&d, hl, f64::from_bits(*zoom)))
        })
    };
    let on_svg = {
        let (diagram, hl) = (diagram.clone(), hl.clone());
        on_export("image/svg+xml", move || to_svg(&diagram, &hl))
    };
    let stale = s.analysis.design.is_none();
    let frame = use_node_ref();
    let d = p.dispatch.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        let id = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("g[data-id]").ok().flatten())
            .and_then(|g| g.get_attribute("data-id"));
        if let Some(id) = id {
            d.emit(Action::SelectNode(id));
        }
    });
    let zoom = |z: f64| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Zoom(z)))
    };
    let fit = {
        let (d, frame) = (p.dispatch.clone(), frame.clone());
        let (w, h) = (diagram.width.max(1.0), diagram.height.max(1.0));
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = frame.cast::<web_sys::Element>() {
                let (fw, fh) = (f64::from(el.client_width()), f64::from(el.client_height()));
                d.emit(Action::Zoom(((fw - 4.0) / w).min((fh - 4.0) / h)));
            }
        })
    };
    html! {
        <div class="diagram-pane">
            <div class="diagram-bar">
                <h2>{ "Diagram" }</h2>
                <span class="zoom" role="group" aria-label="Zoom">
                    <button type="button" aria-label="Zoom out" onclick={zoom(s.zoom / 1.25)}>{ "−" }</button>
                    <span data-testid="zoom">{ format!("{:.0} %", s.zoom * 100.0) }</span>
                    <button type="button" aria-label="Zoom in" onclick={zoom(s.zoom * 1.25)}>{ "+" }</button>
                    <button type="button" onclick={zoom(1.0)}>{ "100 %" }</button>
                    <button type="button" data-testid="fit" onclick={fit}>{ "Fit" }</button>
                </span>
                <a data-testid="export-svg" href="#" onclick={on_svg} download={file_name(&s.name, "svg")}>{ "Export SVG" }</a>
                <span class="legend">{ "● workload ◆ private endpoint ▦ firewall ⇄ gateway — peering ┄ private link · red ✕ denied" }</span>
            </div>
            <aside class="trace-aside" aria-label="Selected trace">
                <Trace state={p.state.clone()} dispatch={p.dispatch.clone()} />
            </aside>
            if stale { <p class="empty">{ if s.stale() { "The source has errors: this is the diagram of the last valid version." } else { "The design has errors; the diagram returns when they are fixed." } }</p> }
            <div class="svg" ref={frame} data-testid="diagram" data-layout={if elk.is_some() { "elk" } else { "grid" }} data-path={hl.path.join(" ")} {onclick}>{ Html::from_html_unchecked((*svg).clone()) }</div>
        </div>
    }
}

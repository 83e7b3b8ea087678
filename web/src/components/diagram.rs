//! The diagram: the SVG drawn by [`crate::layout::to_svg`] with the selected flow's path and hop
//! badges, the selected flow's trace beside it (always in view, whatever the scroll of the
//! verdict list), and its export as a standalone SVG file.

use yew::prelude::*;

use super::{Props, Trace};
use crate::export::{data_url, file_name};
use crate::layout::to_svg;

/// The diagram pane.
#[function_component(Diagram)]
pub fn diagram(p: &Props) -> Html {
    let s = &*p.state;
    let a = s.shown();
    let hl = s
        .selected
        .and_then(|i| a.trace(i))
        .map(|t| a.highlight(t, s.hop))
        .unwrap_or_default();
    let svg = to_svg(&a.diagram, &hl);
    let stale = s.analysis.design.is_none();
    html! {
        <div class="diagram-pane">
            <div class="diagram-bar">
                <h2>{ "Diagram" }</h2>
                <a data-testid="export-svg" href={data_url("image/svg+xml", &svg)} download={file_name(&s.name, "svg")}>{ "Export SVG" }</a>
                <span class="legend">{ "● workload ◆ private endpoint ▦ firewall ⇄ gateway — peering ┄ private link" }</span>
            </div>
            <aside class="trace-aside" aria-label="Selected trace">
                <Trace state={p.state.clone()} dispatch={p.dispatch.clone()} />
            </aside>
            if stale { <p class="empty">{ if s.stale() { "The source has errors: this is the diagram of the last valid version." } else { "The design has errors; the diagram returns when they are fixed." } }</p> }
            <div class="svg" data-testid="diagram" data-path={hl.path.join(" ")}>{ Html::from_html_unchecked(AttrValue::from(svg)) }</div>
        </div>
    }
}

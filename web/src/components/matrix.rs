//! The reachability matrix: subnet × subnet, one symbol per port (● all, ◐ some, · none).
//! Virtualised: only the cells in view (and a few around them) are in the page, so a
//! 1,000-subnet design's million cells open and scroll at once; the row and column names stay
//! in view while scrolling.

use yew::prelude::*;

use super::StateOnly;

/// Height of a row, px.
const ROW_H: f64 = 22.0;
/// Width of the row names, px.
const HEAD_W: f64 = 170.0;
/// Height of the column names, px.
const HEAD_H: f64 = 26.0;
/// Rows and columns drawn beyond the view on each side.
const OVERSCAN: usize = 3;

/// The part of the grid in view: first row and column, and how many of each.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Window {
    top: f64,
    left: f64,
    width: f64,
    height: f64,
}

/// Indices `[first, last)` of the cells of size `size` that a view at `offset` of `extent`
/// shows, of `count`, with the overscan.
fn visible(offset: f64, extent: f64, size: f64, count: usize) -> (usize, usize) {
    let first = (offset / size).floor().max(0.0) as usize;
    let last = ((offset + extent) / size).ceil().max(0.0) as usize + OVERSCAN;
    (first.saturating_sub(OVERSCAN).min(count), last.min(count))
}

/// The matrix view.
#[function_component(Matrix)]
pub fn matrix(p: &StateOnly) -> Html {
    let view = use_state(|| Window {
        top: 0.0,
        left: 0.0,
        width: 1200.0,
        height: 700.0,
    });
    let frame = use_node_ref();
    {
        // The real size of the view once it is in the page.
        let (frame, view) = (frame.clone(), view.clone());
        use_effect_with((), move |_| {
            if let Some(el) = frame.cast::<web_sys::Element>() {
                view.set(Window {
                    top: 0.0,
                    left: 0.0,
                    width: f64::from(el.client_width()),
                    height: f64::from(el.client_height()),
                });
            }
        });
    }
    let Some(m) = p.state.matrix.clone() else {
        return html! { <p class="empty">{ "No matrix: the design has errors." }</p> };
    };
    let ports: Vec<String> = m
        .ports
        .iter()
        .map(|(pr, port)| format!("{pr}/{port}"))
        .collect();
    let n = m.names.len();
    let col_w = (ports.len() as f64 * 8.5 + 14.0).max(56.0);
    let w = *view;
    let (r0, r1) = visible(w.top, w.height - HEAD_H, ROW_H, n);
    let (c0, c1) = visible(w.left, w.width - HEAD_W, col_w, n);
    let onscroll = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::Element = e.target_unchecked_into();
            view.set(Window {
                top: f64::from(el.scroll_top()),
                left: f64::from(el.scroll_left()),
                width: f64::from(el.client_width()),
                height: f64::from(el.client_height()),
            });
        })
    };
    let at =
        |x: f64, y: f64, wd: f64| format!("left:{x}px;top:{y}px;width:{wd}px;height:{ROW_H}px");
    html! {
        <div class="matrix" data-testid="matrix" data-rows={n.to_string()}>
            <p>{ format!("{n} subnets. Rows reach columns on {} — ● every packet, ◐ some, · none.", ports.join(", ")) }</p>
            <div class="grid-view" ref={frame} {onscroll} role="grid" aria-rowcount={(n + 1).to_string()} aria-colcount={(n + 1).to_string()}>
                <div class="grid" style={format!("width:{}px;height:{}px", HEAD_W + n as f64 * col_w, HEAD_H + n as f64 * ROW_H)}>
                    { for (r0..r1).flat_map(|i| (c0..c1).map(move |j| (i, j))).map(|(i, j)| {
                        let cell = m.reaches(i, j);
                        let sym: String = cell.iter().map(|r| r.symbol()).collect();
                        let title: Vec<String> = cell.iter().zip(&ports).map(|(r, p)| format!("{p}: {r:?}")).collect();
                        html! { <div class="cell" role="gridcell" data-row={i.to_string()} data-col={j.to_string()}
                            style={at(HEAD_W + j as f64 * col_w, HEAD_H + i as f64 * ROW_H, col_w)}
                            title={format!("{} → {}: {}", m.names[i], m.names[j], title.join(", "))}>{ sym }</div> }
                    }) }
                    { for (r0..r1).map(|i| html! {
                        <div class="row-name" role="rowheader" style={at(w.left, HEAD_H + i as f64 * ROW_H, HEAD_W)} title={m.names[i].clone()}>{ &m.names[i] }</div>
                    }) }
                    { for (c0..c1).map(|j| html! {
                        <div class="col-name" role="columnheader" style={at(HEAD_W + j as f64 * col_w, w.top, col_w)} title={m.names[j].clone()}>{ &m.names[j] }</div>
                    }) }
                    <div class="corner" style={at(w.left, w.top, HEAD_W)}>{ "from \\ to" }</div>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn the_window_covers_the_view_and_no_more_than_the_overscan() {
        // 1,000 rows of 22 px, a 600 px view scrolled to row 100.
        let (a, b) = visible(2200.0, 600.0, 22.0, 1000);
        assert!((97..=100).contains(&a), "{a}");
        assert!((128..=132).contains(&b), "{b}");
        assert_eq!(visible(0.0, 600.0, 22.0, 5), (0, 5));
        assert_eq!(visible(1e9, 600.0, 22.0, 5), (5, 5));
    }
}

//! What-if: switch any rule, route, link or setting off (or flip it) and see everything that
//! changes — expectations, required Azure ML flows, findings and matrix cells — in lists a filter
//! narrows. The edits themselves are a searchable list of which only the rows in view are in the
//! page (a 1,000-subnet design has tens of thousands).

use yew::prelude::*;

use super::Props;
use crate::state::Action;
use vnetlab_core::diff::DesignDiff;

/// Height of one edit row, px.
const EDIT_H: f64 = 24.0;
/// Height of the edit list's view, px.
const EDITS_VIEW_H: f64 = 420.0;
/// Rows drawn beyond the view on each side.
const OVERSCAN: usize = 8;

/// Every change the toggled edits make, a line each, grouped: (group, lines).
pub fn change_lines(
    changes: &[String],
    diff: Option<&DesignDiff>,
) -> Vec<(&'static str, Vec<String>)> {
    let mut groups = vec![("Expectations", changes.to_vec())];
    if let Some(d) = diff {
        let cell = |c: &vnetlab_core::diff::CellChange| {
            format!(
                "{} → {} {}/{}: {:?} → {:?}",
                c.from, c.to, c.protocol, c.port, c.before, c.after
            )
        };
        groups.push((
            "Required flows",
            d.broken_flows
                .iter()
                .map(|f| format!("broken: {f}"))
                .chain(d.repaired_flows.iter().map(|f| format!("repaired: {f}")))
                .collect(),
        ));
        groups.push((
            "Findings",
            d.new_findings
                .iter()
                .map(|f| format!("new: {f}"))
                .chain(d.resolved_findings.iter().map(|f| format!("resolved: {f}")))
                .collect(),
        ));
        groups.push((
            "Matrix cells",
            d.newly_reaches
                .iter()
                .chain(&d.no_longer_reaches)
                .map(cell)
                .collect(),
        ));
    }
    groups
}

/// The what-if panel.
#[function_component(WhatIfPanel)]
pub fn what_if_panel(p: &Props) -> Html {
    let s = &*p.state;
    let filter = use_state(String::new);
    let search = use_state(String::new);
    let scroll = use_state(|| 0.0_f64);
    if s.analysis.design.is_none() {
        return html! { <p class="empty">{ "What-if needs a valid design." }</p> };
    }
    let d = p.dispatch.clone();
    let reset = Callback::from(move |_: MouseEvent| d.emit(Action::ResetWhatIf));
    let d = p.dispatch.clone();
    let apply = Callback::from(move |_: MouseEvent| d.emit(Action::ApplyWhatIf));
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let t: web_sys::HtmlInputElement = e.target_unchecked_into();
            filter.set(t.value());
        })
    };
    let on_search = {
        let (search, scroll) = (search.clone(), scroll.clone());
        Callback::from(move |e: InputEvent| {
            let t: web_sys::HtmlInputElement = e.target_unchecked_into();
            search.set(t.value());
            scroll.set(0.0);
        })
    };
    let on_scroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::Element = e.target_unchecked_into();
            scroll.set(f64::from(el.scroll_top()));
        })
    };
    let needle = filter.to_lowercase();
    let changes = s.what_if.as_ref().map(|w| {
        let expectations: Vec<String> = w
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} → {} — {}",
                    c.name,
                    outcome(c.before),
                    outcome(c.after),
                    c.summary
                )
            })
            .collect();
        change_lines(&expectations, w.diff.as_ref())
    });
    // The edits matching the search, and the rows of them in view.
    let wanted = search.to_lowercase();
    let matching: Vec<(usize, String)> = s
        .edits
        .iter()
        .enumerate()
        .map(|(i, e)| (i, e.describe()))
        .filter(|(i, text)| {
            wanted.is_empty() || s.toggled.contains(i) || text.to_lowercase().contains(&wanted)
        })
        .collect();
    let first = ((*scroll / EDIT_H) as usize).saturating_sub(OVERSCAN);
    let last = (((*scroll + EDITS_VIEW_H) / EDIT_H) as usize + OVERSCAN).min(matching.len());
    let first = first.min(last);
    html! {
        <div class="whatif">
            <div class="changes" data-testid="whatif-changes" aria-live="polite">
                { match (&s.what_if, changes) {
                    (Some(w), Some(groups)) => html! { <>
                        { for w.errors.iter().map(|e| html! { <p class="error">{ e }</p> }) }
                        <input type="search" class="filter" data-testid="whatif-filter" placeholder="Filter the changes" aria-label="Filter the changes" value={(*filter).clone()} oninput={on_filter} />
                        { for groups.into_iter().map(|(group, lines)| {
                            let shown: Vec<&String> = lines.iter().filter(|l| needle.is_empty() || l.to_lowercase().contains(&needle)).collect();
                            html! { <section data-group={group}>
                                <h3>{ format!("{group} ({})", lines.len()) }</h3>
                                if lines.is_empty() { <p class="hint">{ format!("No {} change.", group.to_lowercase()) }</p> }
                                <ul>{ for shown.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
                            </section> }
                        }) }
                    </> },
                    _ => html! { <p class="hint">{ "Toggle an edit to see what changes." }</p> },
                } }
                <button type="button" onclick={reset} disabled={s.toggled.is_empty()}>{ "Reset" }</button>
                <button type="button" onclick={apply} disabled={s.toggled.is_empty()}>{ "Apply to design" }</button>
            </div>
            <input type="search" class="filter" data-testid="whatif-search" placeholder={format!("Search {} edits", s.edits.len())} aria-label="Search the edits" value={(*search).clone()} oninput={on_search} />
            <div class="edits-view" data-testid="whatif-edits" data-count={matching.len().to_string()} style={format!("height:{EDITS_VIEW_H}px")} onscroll={on_scroll}>
                <ul class="edits" aria-label="What-if edits" style={format!("height:{}px", matching.len() as f64 * EDIT_H)}>
                { for matching[first..last].iter().enumerate().map(|(k, (i, text))| {
                    let (i, d) = (*i, p.dispatch.clone());
                    let id = format!("edit-{i}");
                    html! { <li style={format!("top:{}px;height:{EDIT_H}px", (first + k) as f64 * EDIT_H)}>
                        <input type="checkbox" id={id.clone()} checked={s.toggled.contains(&i)} onchange={Callback::from(move |_: Event| d.emit(Action::Toggle(i)))} />
                        <label for={id}>{ text }</label>
                    </li> }
                }) }
                </ul>
            </div>
        </div>
    }
}

fn outcome(o: Option<vnetlab_core::check::Outcome>) -> String {
    o.map(|o| format!("{o:?}").to_lowercase())
        .unwrap_or_else(|| "—".into())
}

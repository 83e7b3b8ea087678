//! Expectations with their verdicts, findings, and the trace panel of the selected expectation
//! (hop by hop, each with the rule or route that decided).

use yew::prelude::*;

use super::Props;
use crate::state::Action;
use vnetlab_core::check::Outcome;

/// The verdicts panel.
#[function_component(Verdicts)]
pub fn verdicts(p: &Props) -> Html {
    let s = &*p.state;
    let a = &s.analysis;
    if a.design.is_none() {
        return html! { <p class="empty" data-testid="verdicts">{ "No verdicts: fix the errors shown in the source view." }</p> };
    }
    let findings = a.findings();
    html! {
        <div class="verdicts">
            <h2>{ "Expectations" }</h2>
            <ul data-testid="verdicts" class="list">
            { for a.results().iter().enumerate().map(|(i, r)| {
                let (tag, class) = match r.outcome { Outcome::Holds => ("PASS", "pass"), Outcome::Fails => ("FAIL", "fail"), Outcome::Undecided => ("UNDECIDED", "fail") };
                let d = p.dispatch.clone();
                let selected = s.selected == Some(i);
                let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::Select(if selected { None } else { Some(i) })));
                html! {
                    <li><button type="button" class={classes!("verdict", class)} aria-pressed={selected.to_string()} data-outcome={class} {onclick}>
                        <span class="tag">{ tag }</span>
                        <span class="name">{ &r.name }</span>
                        <span class="flow">{ format!("{} → {} · expected {}", r.from, r.to, r.expected) }</span>
                        <span class="summary">{ &r.summary }</span>
                    </button></li>
                }
            }) }
            </ul>
            <Trace state={p.state.clone()} dispatch={p.dispatch.clone()} />
            <h2>{ format!("Findings ({})", findings.len()) }</h2>
            <ul class="findings" data-testid="findings">
                { for findings.iter().map(|f| html! { <li>{ f }</li> }) }
                if findings.is_empty() { <li class="ok">{ "Nothing to report: every expectation holds." }</li> }
            </ul>
        </div>
    }
}

/// The trace of the selected expectation.
#[function_component(Trace)]
fn trace(p: &Props) -> Html {
    let s = &*p.state;
    let Some(i) = s.selected else {
        return html! { <p class="hint">{ "Select an expectation to trace it on the diagram." }</p> };
    };
    let Some(t) = s.analysis.trace(i) else {
        return html! { <p class="hint" data-testid="trace">{ "This expectation has no single witness flow to trace." }</p> };
    };
    html! {
        <section class="trace" data-testid="trace" aria-label="Trace">
            <h2>{ format!("Trace {} → {}", t.from, t.to) }</h2>
            <p class="flow">{ t.flow.to_string() }</p>
            <ol>
            { for t.hops.iter().enumerate().map(|(h, hop)| {
                let d = p.dispatch.clone();
                let selected = s.hop == Some(h);
                let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::SelectHop(if selected { None } else { Some(h) })));
                html! { <li><button type="button" class={classes!("hop", if hop.ok { "ok" } else { "no" })} aria-pressed={selected.to_string()} {onclick}>
                    <span class="step">{ format!("{:?}", hop.step).to_lowercase() }</span>
                    <span class="at">{ &hop.at }</span>
                    <span class="detail">{ &hop.detail }</span>
                </button></li> }
            }) }
            </ol>
            <p class={classes!("final", if t.verdict.allowed() { "ok" } else { "no" })}>{ format!("verdict: {}", t.verdict) }</p>
        </section>
    }
}

//! Expectations with their verdicts, findings, and the trace panel of the selected expectation
//! (hop by hop, each with the rule or route that decided; drawn beside the diagram).

use yew::prelude::*;

use super::Props;
use crate::state::Action;
use vnetlab_core::check::Outcome;

/// The verdicts panel.
#[function_component(Verdicts)]
pub fn verdicts(p: &Props) -> Html {
    let s = &*p.state;
    let a = s.shown();
    if a.design.is_none() {
        return html! { <p class="empty" data-testid="verdicts">{ "No verdicts: fix the errors shown in the source view." }</p> };
    }
    let findings = a.findings();
    html! {
        <div class="verdicts">
            if s.stale() { <p class="stale" data-testid="stale">{ "The source has errors: these are the verdicts of the last valid version." }</p> }
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
            <Audit state={p.state.clone()} dispatch={p.dispatch.clone()} />
            <h2>{ format!("Warnings and failed expectations ({})", findings.len()) }</h2>
            <ul class="findings" data-testid="findings">
                { for findings.iter().map(|f| html! { <li>{ f }</li> }) }
                if findings.is_empty() { <li class="ok">{ "Nothing to report: every expectation holds." }</li> }
            </ul>
        </div>
    }
}

/// Required Azure ML flows and isolation findings (from `vnetlab_core::aml::audit`).
#[function_component(Audit)]
fn audit(p: &Props) -> Html {
    let s = &*p.state;
    let Some(a) = &s.shown().audit else {
        return html! {};
    };
    let base = s.shown().results().len();
    let button = |i: usize, class: &'static str, tag: String, name: String, detail: String| {
        let d = p.dispatch.clone();
        let selected = s.selected == Some(i);
        let onclick = Callback::from(move |_: MouseEvent| {
            d.emit(Action::Select(if selected { None } else { Some(i) }))
        });
        html! { <li><button type="button" class={classes!("verdict", class)} aria-pressed={selected.to_string()} data-outcome={class} {onclick}>
            <span class="tag">{ tag }</span><span class="name">{ name }</span><span class="summary">{ detail }</span>
        </button></li> }
    };
    html! { <>
        <h2>{ format!("Required Azure ML flows ({} broken of {})", a.broken(), a.flows.len()) }</h2>
        <ul class="list" data-testid="flows">
        { for a.flows.iter().enumerate().map(|(i, f)| {
            let mut detail = format!("{} · {}", f.flow.purpose, f.verdict);
            if let Some(fix) = &f.fix {
                detail.push_str(&format!(" · fix: {}", fix.change));
            }
            let item = button(base + i, if f.works { "pass" } else { "fail" }, (if f.works { "OK" } else { "BROKEN" }).into(), f.flow.id.clone(), detail);
            match f.fix.as_ref().filter(|x| !f.works && x.verified && x.patch.is_some()) {
                Some(fix) => {
                    let d = p.dispatch.clone();
                    let apply = Callback::from(move |_: MouseEvent| d.emit(Action::ApplyFix(i)));
                    html! { <>{ item }<li class="fix"><button type="button" class="apply-fix" data-testid="apply-fix" title={format!("Apply: {}", fix.change)} onclick={apply}>{ "Apply fix" }</button></li></> }
                }
                None => item,
            }
        }) }
        </ul>
        <h2>{ format!("Audit findings ({})", a.findings.len()) }</h2>
        <ul class="list" data-testid="audit-findings">
        { for a.findings.iter().enumerate().map(|(i, f)| {
            button(base + a.flows.len() + i, "fail", f.severity.as_str().to_uppercase(), f.title.clone(), format!("{} · fix: {}", f.resources.join(", "), f.remediation))
        }) }
        </ul>
    </> }
}

/// The trace of the selected item, shown beside the diagram (see [`super::Diagram`]).
#[function_component(Trace)]
pub fn trace(p: &Props) -> Html {
    let s = &*p.state;
    let Some(i) = s.selected else {
        return html! { <p class="hint">{ "Select an expectation to trace it on the diagram." }</p> };
    };
    let Some(t) = s.shown().trace(i) else {
        return html! { <p class="hint" data-testid="trace">{ "This item has no single witness flow to trace." }</p> };
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

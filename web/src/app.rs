//! yew components. They only render a [`State`] and dispatch [`Action`]s;
//! the logic lives in [`crate::state`].

use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::{Action, State};
use crate::storage;

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // The inherent, pure `State::reduce`.
        Rc::new(Rc::unwrap_or_clone(self).reduce(action))
    }
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State::new(storage::load_source().unwrap_or_default()));

    {
        let source = state.source.clone();
        use_effect_with(source, |source| storage::save_source(source));
    }

    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let textarea: HtmlTextAreaElement = e.target_unchecked_into();
            state.dispatch(Action::SetSource(textarea.value()));
        })
    };
    let onclear = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Clear))
    };

    html! {
        <main>
            <h1>{ "vnetlab" }</h1>
            <label for="source">{ "Topology (YAML)" }</label>
            <textarea
                id="source"
                data-testid="source"
                spellcheck="false"
                placeholder="Paste or type a topology in YAML"
                value={state.source.clone()}
                {oninput}
            />
            <button type="button" onclick={onclear}>{ "Clear" }</button>
            <Results analysis={state.analysis.clone()} />
        </main>
    }
}

/// Properties of [`Results`].
#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    /// What to show.
    pub analysis: crate::state::Analysis,
}

/// The results area.
#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    html! {
        <section aria-label="Results">
            <h2>{ "Results" }</h2>
            <output id="results" data-testid="results" for="source" aria-live="polite">
                { props.analysis.summary() }
            </output>
        </section>
    }
}

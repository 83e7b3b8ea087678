//! Sketching without YAML: "add" buttons, the open form with each field's messages next to it,
//! and the list of elements with edit and delete buttons.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::Props;
use crate::forms::{FormKind, Role, items};
use crate::state::Action;

/// The design panel.
#[function_component(DesignPanel)]
pub fn design_panel(p: &Props) -> Html {
    let s = &*p.state;
    let Some(file) = s.analysis.records() else {
        return html! { <p class="empty">{ "The source does not parse; fix it in the source view first." }</p> };
    };
    html! {
        <div class="design">
            <div class="add" role="group" aria-label="Add an element">
                { for FormKind::ALL.iter().map(|&k| {
                    let d = p.dispatch.clone();
                    html! { <button type="button" onclick={move |_| d.emit(Action::NewForm(k))}>{ format!("+ {}", k.label()) }</button> }
                }) }
            </div>
            <FormView state={p.state.clone()} dispatch={p.dispatch.clone()} />
            <ul class="items" aria-label="Elements" data-testid="items">
            { for items(file).into_iter().map(|item| {
                let (d1, d2) = (p.dispatch.clone(), p.dispatch.clone());
                let (t1, t2) = (item.target.clone(), item.target.clone());
                html! { <li class={format!("depth{}", item.depth)}>
                    <span>{ &item.label }</span>
                    <button type="button" aria-label={format!("edit {}", item.label)} onclick={move |_| d1.emit(Action::EditItem(t1.clone()))}>{ "edit" }</button>
                    <button type="button" aria-label={format!("delete {}", item.label)} onclick={move |_| d2.emit(Action::DeleteItem(t2.clone()))}>{ "delete" }</button>
                </li> }
            }) }
            </ul>
        </div>
    }
}

/// The open form.
#[function_component(FormView)]
fn form_view(p: &Props) -> Html {
    let Some(form) = &p.state.form else {
        return html! {};
    };
    let d = p.dispatch.clone();
    let onsubmit = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        d.emit(Action::SubmitForm);
    });
    let d = p.dispatch.clone();
    let cancel = Callback::from(move |_: MouseEvent| d.emit(Action::CancelForm));
    let title = match &form.editing {
        Some(t) => format!("Edit {} {}", form.kind.label(), t.name),
        None => format!("Add a {}", form.kind.label()),
    };
    html! {
        <form class="form" data-testid="form" aria-label={title.clone()} {onsubmit}>
            <h2>{ title }</h2>
            { for form.fields.iter().map(|f| {
                let id = format!("field-{}", f.key);
                let err_id = format!("{id}-errors");
                let d = p.dispatch.clone();
                let key = f.key.to_string();
                let oninput = Callback::from(move |e: InputEvent| {
                    let i: HtmlInputElement = e.target_unchecked_into();
                    d.emit(Action::FormInput(key.clone(), i.value()));
                });
                let d = p.dispatch.clone();
                let key = f.key.to_string();
                let onchange = Callback::from(move |e: Event| {
                    let i: HtmlInputElement = e.target_unchecked_into();
                    d.emit(Action::FormInput(key.clone(), i.value()));
                });
                let invalid = (!f.errors.is_empty()).to_string();
                let hint = if f.role == Role::List { "comma-separated" } else { "" };
                html! { <div class="field">
                    <label for={id.clone()}>{ f.label }</label>
                    if f.open {
                        <input id={id.clone()} name={f.key} list={format!("{id}-choices")} value={f.value.clone()} aria-invalid={invalid.clone()} aria-describedby={err_id.clone()} {oninput} />
                        <datalist id={format!("{id}-choices")}>
                            { for f.choices.iter().map(|c| html! { <option value={c.clone()} /> }) }
                        </datalist>
                    } else if f.choices.is_empty() {
                        <input id={id.clone()} name={f.key} value={f.value.clone()} placeholder={hint} aria-invalid={invalid} aria-describedby={err_id.clone()} {oninput} />
                    } else {
                        <select id={id.clone()} name={f.key} aria-invalid={invalid} aria-describedby={err_id.clone()} {onchange}>
                            { for f.choices.iter().map(|c| html! { <option value={c.clone()} selected={*c == f.value}>{ if c.is_empty() { "(none)" } else { c.as_str() } }</option> }) }
                        </select>
                    }
                    <div id={err_id} class="field-errors" role="alert">{ for f.errors.iter().map(|e| html! { <p class="error">{ e }</p> }) }</div>
                </div> }
            }) }
            { for form.errors.iter().map(|e| html! { <p class="error" role="alert">{ e }</p> }) }
            <div class="buttons">
                <button type="submit">{ "Save" }</button>
                <button type="button" onclick={cancel}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

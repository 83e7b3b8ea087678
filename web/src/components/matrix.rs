//! The reachability matrix: subnet × subnet, one symbol per port (● all, ◐ some, · none).

use yew::prelude::*;

use super::StateOnly;

/// The matrix view.
#[function_component(Matrix)]
pub fn matrix(p: &StateOnly) -> Html {
    let Some(m) = p.state.matrix.clone() else {
        return html! { <p class="empty">{ "No matrix: the design has errors." }</p> };
    };
    let ports: Vec<String> = m
        .ports
        .iter()
        .map(|(pr, port)| format!("{pr}/{port}"))
        .collect();
    html! {
        <div class="matrix" data-testid="matrix">
            <p>{ format!("Rows reach columns on {} — ● every packet, ◐ some, · none.", ports.join(", ")) }</p>
            <table>
                <thead><tr><th scope="col">{ "from \\ to" }</th>{ for m.names.iter().map(|n| html! { <th scope="col">{ n }</th> }) }</tr></thead>
                <tbody>
                { for m.names.iter().enumerate().map(|(i, n)| html! {
                    <tr><th scope="row">{ n }</th>
                    { for (0..m.names.len()).map(|j| (j, m.reaches(i, j))).map(|(j, cell)| {
                        let sym: String = cell.iter().map(|r| r.symbol()).collect();
                        let title: Vec<String> = cell.iter().zip(&ports).map(|(r, p)| format!("{p}: {r:?}")).collect();
                        html! { <td title={format!("{n} → {}: {}", m.names[j], title.join(", "))}>{ sym }</td> }
                    }) }
                    </tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}

//! The `?bench` page: runs [`crate::bench`] once the page has been shown and lists the figures.

use yew::prelude::*;

/// The benchmark page.
#[function_component(BenchPage)]
pub fn bench_page() -> Html {
    let lines = use_state(|| None::<Vec<String>>);
    {
        let lines = lines.clone();
        use_effect_with((), move |_| {
            let figures =
                crate::bench::run(&crate::app::now, &crate::bench::WORKLOADS, &mut |_| {});
            lines.set(Some(figures.iter().map(|f| f.line()).collect()));
        });
    }
    html! {
        <main>
            <h1>{ "vnetlab benchmarks (WASM)" }</h1>
            { match &*lines {
                None => html! { <p>{ "running…" }</p> },
                Some(lines) => html! {
                    <pre data-testid="bench">{ lines.join("\n") }</pre>
                },
            } }
        </main>
    }
}

//! WASM entry point: mounts [`vnetlab_web::app::App`] on `<body>`, or the benchmark page
//! ([`vnetlab_web::components::BenchPage`]) when the address has `?bench`.

fn main() {
    let bench = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.contains("bench"));
    if bench {
        yew::Renderer::<vnetlab_web::components::BenchPage>::new().render();
    } else {
        yew::Renderer::<vnetlab_web::app::App>::new().render();
    }
}

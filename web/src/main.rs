//! WASM entry point: mounts [`vnetlab_web::app::App`] on `<body>`.

fn main() {
    yew::Renderer::<vnetlab_web::app::App>::new().render();
}

//! The kubeplay web app: mounts the Yew view over the simulation.

mod app;
mod board;
mod board_map;
mod console;
mod editor;
mod game;
mod inspector;
mod markdown;
mod panels;
mod presenter;
mod requests;
mod share;
mod sim;
mod timeline;
mod workshop;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

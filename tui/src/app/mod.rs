//! The terminal what-if app (`vnetlab tui FILE`), in the Elm architecture: a [`Model`], the
//! [`Message`]s that change it, a pure [`update`], a side-effect-free [`view`], and one place
//! that turns terminal events into messages ([`keys`]). The [`runtime`] is the only part that
//! touches the terminal, the clock and the file system.

pub mod analysis;
pub mod fix;
pub mod keys;
pub mod layout;
pub mod matrix_nav;
pub mod message;
pub mod model;
pub mod rows;
pub mod rule_form;
pub mod runtime;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

pub use message::{Effect, Message};
pub use model::Model;
pub use runtime::run;
pub use update::update;
pub use view::view;

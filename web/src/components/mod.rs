//! yew components. Each renders part of a [`State`] and dispatches [`Action`]s; none holds logic.

mod bench;
mod confirm;
mod design;
mod diagram;
mod matrix;
mod source;
mod toolbar;
mod verdicts;
mod whatif;

pub use bench::BenchPage;
pub use confirm::ConfirmBar;
pub use design::DesignPanel;
pub use diagram::Diagram;
pub use matrix::Matrix;
pub use source::SourcePanel;
pub use toolbar::Toolbar;
pub use verdicts::{Trace, Verdicts};
pub use whatif::WhatIfPanel;

use yew::prelude::*;

use crate::state::{Action, State};

/// What every panel receives: the state and a way to change it.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The state to render.
    pub state: UseReducerHandle<State>,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// The matrix view's properties.
#[derive(Properties, PartialEq)]
pub struct StateOnly {
    /// The state to render.
    pub state: UseReducerHandle<State>,
}

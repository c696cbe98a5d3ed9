//! Errors that stop a mock server from starting.

/// Why a mock server could not start or save its state.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec did not load.
    #[error("the spec does not load:\n{0}")]
    Spec(String),
    /// The spec loads but the mock cannot serve it.
    #[error("the spec cannot be served: {0}")]
    Plan(String),
    /// Binding or serving failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The `--fixtures` directory did not load: every problem found, one a line.
    #[error("{0}")]
    Fixtures(String),
    /// The state file is not valid.
    #[error("state file {path}: {message}")]
    State {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

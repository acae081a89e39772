//! Tool errors (bad flags, bad config, missing paths): these stop the run with exit code 2.
//! Problems inside scanned files are findings instead. No diagnostic codes: miette would print
//! them as a stray first line (`usage`) above the message.

use miette::{Diagnostic, NamedSource, SourceSpan};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    #[error("path `{0}` does not exist")]
    #[diagnostic(help("check the path; winlint takes files and directories"))]
    PathNotFound(String),

    // The cause is printed once, by miette's cause chain, not in the message too.
    #[error("cannot read config file `{path}`")]
    #[diagnostic(help("check the path given to --config"))]
    ConfigRead {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid config `{path}`: {message}")]
    #[diagnostic()]
    Config {
        path: String,
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    /// Several config mistakes, each its own located diagnostic, in file order.
    #[error("invalid config `{path}`: {} mistakes", mistakes.len())]
    #[diagnostic(help("fix each mistake below; winlint reports them all at once"))]
    ConfigMany {
        path: String,
        #[related]
        mistakes: Vec<Error>,
    },

    #[error("cannot read standard input: {0}")]
    #[diagnostic()]
    Stdin(std::io::Error),

    #[error("{0}")]
    #[diagnostic()]
    Usage(String),
}

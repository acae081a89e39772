//! The command line: arguments, the lint run, the other subcommands, and the exit code
//! (0 clean, 1 findings at or above `--fail-on`, 2 usage, config or internal error).

use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::engine::error::Error;
use args::Args;

pub mod args;
pub mod commands;
pub mod explain;
pub mod fix;
pub mod images;
pub mod profile;
pub mod run;

pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Runs winlint with parsed arguments; `stdout` receives the report.
pub fn run(args: &Args, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let result = match &args.command {
        Some(command) => commands::run(command, stdout, stderr),
        None if args.fix || args.diff => fix::run(args, stdout, stderr),
        None => run::lint(args, stdout, stderr),
    };
    match result {
        Ok(code) => code,
        Err(RunError::Tool(e)) => {
            let mut buf = String::new();
            let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .with_width(100);
            if handler.render_report(&mut buf, &e).is_err() {
                buf = format!("error: {e}\n");
            }
            let _ = stderr.write_all(buf.as_bytes());
            EXIT_ERROR
        }
        // `winlint . | head`: the reader went away; stop quietly.
        Err(RunError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(RunError::Io(e)) => {
            let _ = writeln!(stderr, "error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

pub(crate) enum RunError {
    Tool(Error),
    Io(io::Error),
}

impl From<Error> for RunError {
    fn from(e: Error) -> Self {
        RunError::Tool(e)
    }
}
impl From<io::Error> for RunError {
    fn from(e: io::Error) -> Self {
        RunError::Io(e)
    }
}

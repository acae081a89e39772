//! The `winlint` binary: parse arguments, call the library, exit with its code.

fn main() {
    let args = winlint::cli::args::Args::parse_with_targets();
    let code = winlint::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}

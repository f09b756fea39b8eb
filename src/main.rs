//! The `protocoop` binary: the kiosk without arguments, the CLI with them.

fn main() -> std::process::ExitCode {
    protocoop::cli::run(std::env::args_os())
}

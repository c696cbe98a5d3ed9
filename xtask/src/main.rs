//! Project automation. Run `cargo xtask help` for the commands.

fn main() {
    eprintln!("usage: cargo xtask <command>\n\ncommands: (none yet)");
    std::process::exit(2);
}

use clap::Parser;

fn main() {
    let cli = smuppy_validate::Cli::parse_from(smuppy_validate::terraform_style_args(
        std::env::args_os(),
    ));
    let code = match smuppy_validate::run(&cli, None, &mut std::io::stdout().lock()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("smuppy-validate: {}", e.one_line());
            2
        }
    };
    std::process::exit(code);
}

use clap::Parser;

fn main() {
    // Panics the HCL evaluator raises are turned into input errors (exit 2);
    // any other would be a bug: one line, no backtrace.
    std::panic::set_hook(Box::new(|info| {
        if !smuppy_validate::hcl::EVALUATING.with(|f| f.get()) {
            eprintln!("smuppy-validate: internal error: {info}");
        }
    }));
    let cli = smuppy_validate::Cli::parse_from(smuppy_validate::terraform_style_args(
        std::env::args_os(),
    ));
    let result = smuppy_validate::aws::AwsSource::from_cli(&cli).and_then(|source| {
        let live = source
            .as_ref()
            .map(|s| s as &dyn smuppy_validate::LiveSource);
        smuppy_validate::run(&cli, live, &mut std::io::stdout().lock())
    });
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("smuppy-validate: {}", e.one_line());
            2
        }
    };
    std::process::exit(code);
}

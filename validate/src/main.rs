use clap::Parser;

fn main() {
    // A panic while the configuration is read and evaluated is turned into
    // an input error (exit 2) by the guard around it, which prints it;
    // any other would be a bug: one line, no backtrace.
    std::panic::set_hook(Box::new(|info| {
        if !smuppy_validate::hcl::EVALUATING.with(|f| f.get()) {
            eprintln!("smuppy-validate: internal error: {info}");
        }
    }));
    let cli = smuppy_validate::Cli::parse_from(smuppy_validate::terraform_style_args(
        std::env::args_os(),
    ));
    let out = &mut std::io::stdout().lock();
    let result = if cli.list_rules {
        smuppy_validate::run(&cli, None, out)
    } else {
        smuppy_validate::config::Config::resolve(&cli).and_then(|config| {
            let source = smuppy_validate::aws::AwsSource::from_config(&config);
            let live = source
                .as_ref()
                .map(|s| s as &dyn smuppy_validate::LiveSource);
            smuppy_validate::run_config(&config, live, out)
        })
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("smuppy-validate: {}", e.one_line());
            2
        }
    };
    std::process::exit(code);
}

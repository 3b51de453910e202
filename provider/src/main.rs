//! `terraform-provider-smuppy`: the smuppy/smuppy Terraform provider.
//!
//! Terraform starts this binary itself (see the README for `dev_overrides`);
//! run by hand it says so and exits 1. `--debug` serves for a debugger and
//! prints the `TF_REATTACH_PROVIDERS` value to use.

use std::process::ExitCode;

use terraform_provider_smuppy::{provider::SmuppyProvider, PROVIDER_ADDRESS};

fn main() -> ExitCode {
    if std::env::args().skip(1).any(|a| a == "--version") {
        println!("terraform-provider-smuppy {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    tfplugin::main_entry(
        SmuppyProvider::new(),
        tfplugin::ServeOptions::new(PROVIDER_ADDRESS, "terraform-provider-smuppy"),
    )
}

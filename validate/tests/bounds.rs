//! The validator is bounded: arithmetic errors on every evaluation path are
//! input errors (exit 2, one line), extreme numbers are read or refused with
//! what is wrong, and configurations that ask for too much time or memory
//! stop at a named limit within 5 s and 256 MiB.
//!
//! The limit cases run the binary `cargo test` built (the debug build, the
//! slower one) under `ulimit -v`; set SMUPPY_VALIDATE_BIN to run them
//! against another build, e.g. the release binary (figures in
//! docs/reliability.md, "The validator's limits").

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{assert_unusable, run_in, temp_with, Run};

/// A profile whose reserved concurrency is `expr`.
fn profile(expr: &str) -> String {
    format!(
        "resource \"smuppy_scaling_profile\" \"p\" {{\n  name = \"p\"\n  traffic = {{\n    peak_rps = 100\n  }}\n  lambda_pools = {{\n    f = {{\n      function_name        = \"f\"\n      reserved_concurrency = {expr}\n    }}\n  }}\n}}\n"
    )
}

/// Runs the validator on `files` with `args` and expects an input error
/// whose line has every one of `needles`.
fn refused(what: &str, files: &[(&str, &str)], args: &[&str], needles: &[&str]) {
    let d = temp_with(files);
    let mut all = vec!["."];
    all.extend_from_slice(args);
    let r = run_in(d.path(), &all);
    eprintln!("{what}: exit {} {}", r.code, r.stderr.trim());
    assert_unusable(&r, needles);
}

#[test]
fn arithmetic_errors_on_every_evaluation_path_are_input_errors() {
    let uses_var = format!("variable \"n\" {{}}\n{}", profile("var.n"));
    let child = format!("variable \"n\" {{}}\n{}", profile("var.n"));
    refused(
        "local",
        &[(
            "main.tf",
            &format!("locals {{ x = 1/0 }}\n{}", profile("local.x")),
        )],
        &[],
        &["main.tf:1", "local.x", "division by zero"],
    );
    refused(
        "unused local",
        &[(
            "main.tf",
            &format!("locals {{ x = 5 % 0 }}\n{}", profile("1")),
        )],
        &[],
        &["main.tf:1", "local.x", "modulo by zero"],
    );
    refused(
        "terraform.tfvars",
        &[("main.tf", &uses_var), ("terraform.tfvars", "n = 1/0\n")],
        &[],
        &["terraform.tfvars:1", "division by zero"],
    );
    refused(
        ".auto.tfvars",
        &[("main.tf", &uses_var), ("x.auto.tfvars", "\nn = 5 % 0\n")],
        &[],
        &["x.auto.tfvars:2", "modulo by zero"],
    );
    refused(
        "-var-file",
        &[("main.tf", &uses_var), ("v.tfvars", "n = 1/0\n")],
        &["-var-file=v.tfvars"],
        &["v.tfvars:1", "division by zero"],
    );
    refused(
        "variable default",
        &[(
            "main.tf",
            &format!(
                "variable \"n\" {{\n  default = 1/0\n}}\n{}",
                profile("var.n")
            ),
        )],
        &[],
        &["main.tf:2", "var.n default", "division by zero"],
    );
    refused(
        "optional() default",
        &[
            (
                "main.tf",
                &format!(
                    "variable \"o\" {{\n  type = object({{ n = optional(number, 5 % 0) }})\n}}\n{}",
                    profile("var.o.n")
                ),
            ),
            ("terraform.tfvars", "o = {}\n"),
        ],
        &[],
        &["main.tf:1", "optional(n) default", "modulo by zero"],
    );
    refused(
        "-var",
        &[(
            "main.tf",
            &format!("variable \"x\" {{}}\n{}", profile("var.x.a")),
        )],
        &["-var", "x={a=5%0}"],
        &["-var x", "modulo by zero"],
    );
    refused(
        "module argument",
        &[
            (
                "main.tf",
                "module \"m\" {\n  source = \"./m\"\n  n      = 1/0\n}\n",
            ),
            ("m/main.tf", &child),
        ],
        &[],
        &["main.tf:3", "module.m.n", "division by zero"],
    );
    refused(
        "local of a module",
        &[
            (
                "main.tf",
                "module \"m\" {\n  source = \"./m\"\n  n      = 1\n}\n",
            ),
            ("m/main.tf", &format!("{child}locals {{\n  y = 1 % 0\n}}\n")),
        ],
        &[],
        &["m/main.tf", "module.m.local.y", "modulo by zero"],
    );
    refused(
        "for expression",
        &[(
            "main.tf",
            &format!(
                "locals {{\n  l = [for i in [1, 0] : 10 / i]\n}}\n{}",
                profile("1")
            ),
        )],
        &[],
        &["main.tf:2", "local.l", "division by zero"],
    );
    let dynamic = |for_each: &str, value: &str| {
        format!(
            "resource \"smuppy_scaling_profile\" \"p\" {{\n  name = \"p\"\n  traffic = {{\n    peak_rps = 100\n  }}\n  lambda_pools = {{\n    for lambda in {for_each} : \"f\" => {{\n      function_name        = \"f\"\n      reserved_concurrency = {value}\n    }}\n  }}\n}}\n"
        )
    };
    refused(
        "for expression's collection",
        &[("main.tf", &dynamic("[1/0]", "lambda"))],
        &[],
        &["main.tf:6", "lambda_pools", "division by zero"],
    );
    refused(
        "for expression's values",
        &[("main.tf", &dynamic("[0]", "5 % lambda"))],
        &[],
        &["main.tf:6", "lambda_pools", "modulo by zero"],
    );
    refused(
        "template",
        &[(
            "main.tf",
            &profile("1").replace("name = \"p\"", "name = \"p${1 % 0}\""),
        )],
        &[],
        &["main.tf:2", "modulo by zero"],
    );
    // Beyond the largest float: an error, not an infinity dropped as null.
    refused(
        "overflowing product",
        &[(
            "main.tf",
            &format!("locals {{ x = 1e300 * 1e300 }}\n{}", profile("local.x")),
        )],
        &[],
        &["main.tf:1", "too large"],
    );
}

#[test]
fn whole_numbers_are_not_wrapped() {
    // 2^64 - 1 + 1 wraps to 0 in a build without overflow checks.
    refused(
        "u64 overflow",
        &[("main.tf", &profile("18446744073709551615 + 1"))],
        &[],
        &[
            "reserved_concurrency",
            "18446744073709552000 is too large",
            "out of range",
        ],
    );
    let d = temp_with(&[(
        "main.tf",
        &profile("-9223372036854775807 - 1 + 9223372036854775807 + 101"),
    )]);
    let r = run_in(d.path(), &[".", "--format", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(r.stdout.contains("\"p\""), "{}", r.stdout);
}

#[test]
fn extreme_numbers_say_what_is_wrong() {
    let stage = |v: &str| {
        format!(
            "resource \"smuppy_scaling_profile\" \"p\" {{\n  name = \"p\"\n  traffic = {{\n    peak_rps = 100\n  }}\n  api_gateway = {{\n    rest_api_id = \"a\"\n    stage_name  = \"s\"\n    rate_limit  = {v}\n  }}\n}}\n"
        )
    };
    refused(
        "rate_limit = 1e400",
        &[("main.tf", &stage("1e400"))],
        &[],
        &["main.tf:9", "the number 1e400 is too large"],
    );
    let d = temp_with(&[("main.tf", &stage("1e400"))]);
    let r = run_in(d.path(), &["."]);
    assert!(!r.stderr.contains("malformed"), "{}", r.stderr);
    refused(
        "burst_limit = -1e999",
        &[(
            "main.tf",
            &stage("1").replace("rate_limit  = 1", "burst_limit = -1e999"),
        )],
        &[],
        &["main.tf:9", "the number 1e999 is too large"],
    );
    refused(
        "reserved_concurrency = 99999999999999999999",
        &[("main.tf", &profile("99999999999999999999"))],
        &[],
        &[
            "reserved_concurrency",
            "100000000000000000000 is too large",
            "out of range",
        ],
    );
    refused(
        "reserved_concurrency = 2.5",
        &[("main.tf", &profile("2.5"))],
        &[],
        &["reserved_concurrency", "expected a whole number, got 2.5"],
    );
    refused(
        "-var n=1e400",
        &[(
            "main.tf",
            &format!("variable \"n\" {{}}\n{}", profile("var.n")),
        )],
        &["-var", "n=1e400"],
        &["reserved_concurrency", "the number 1e400 is too large"],
    );
    // A number HCL accepts is read as one, and the rules judge it.
    let d = temp_with(&[("main.tf", &stage("99999999999999999999999"))]);
    let r = run_in(d.path(), &[".", "--format", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("rate_limit") || r.stdout.contains("\"p\""),
        "{}",
        r.stdout
    );
}

#[test]
fn the_examples_need_a_hundredth_of_the_limits() {
    let small = smuppy_validate::eval::Limits {
        steps: smuppy_validate::eval::LIMITS.steps / 100,
        value_nodes: smuppy_validate::eval::LIMITS.value_nodes / 100,
        file_bytes: smuppy_validate::eval::LIMITS.file_bytes / 100,
        total_bytes: smuppy_validate::eval::LIMITS.total_bytes / 100,
        module_instances: smuppy_validate::eval::LIMITS.module_instances / 100,
        ..smuppy_validate::eval::LIMITS
    };
    let opts = smuppy_validate::input::LoadOptions::default();
    for example in ["runbook", "staging", "prod"] {
        let dir = crate::util::root().join("examples").join(example);
        let loaded = smuppy_validate::hcl::load_dir_within(&dir, &opts, small)
            .unwrap_or_else(|e| panic!("{example}: {}", e.one_line()));
        assert!(!loaded.is_empty(), "{example}");
    }
}

#[test]
fn an_element_of_a_large_local_costs_the_element_not_the_local() {
    // 1,000 lookups into a 50,000-element local: 50 million steps if each
    // lookup copied the local, a few thousand if it copies the element.
    let big = (0..50_000)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let idx = (0..1_000)
        .map(|i| (i * 7).to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let main = format!(
        "locals {{\n  big = [{big}]\n  idx = [{idx}]\n  m   = {{ a = local.big }}\n  picked = [for i in local.idx : local.big[i] + local.m.a[i] + local.m[\"a\"][1]]\n}}\n{}",
        profile("local.picked[3]")
    );
    let d = temp_with(&[("main.tf", &main)]);
    let r = run_in(d.path(), &[".", "--format", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    // 21 * 2 + 1 = 43
    assert!(
        r.stdout.contains("\"reserved_concurrency\": 43"),
        "{}",
        r.stdout
    );
}

// --- limits -------------------------------------------------------------

const MEMORY_CAP_KIB: u64 = 256 * 1024;
const TIME_LIMIT: Duration = Duration::from_secs(5);

fn binary() -> String {
    std::env::var("SMUPPY_VALIDATE_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_smuppy-validate").to_string())
}

/// Runs the validator in `dir` under a 256 MiB address-space cap; stops it
/// after 60 s. Returns the run and its wall time.
fn run_capped(dir: &Path, args: &[&str]) -> (Run, Duration) {
    let script = format!("ulimit -v {MEMORY_CAP_KIB} && exec \"$0\" \"$@\"");
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(binary())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run smuppy-validate: {e}"));
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > Duration::from_secs(60) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("smuppy-validate still runs after 60 s: {args:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("{e}"),
        }
    }
    let elapsed = start.elapsed();
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    (
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        elapsed,
    )
}

fn limited(what: &str, dir: &Path, args: &[&str], needles: &[&str]) {
    let mut all = vec!["."];
    all.extend_from_slice(args);
    let (r, took) = run_capped(dir, &all);
    eprintln!("{what}: {took:?}, exit {}: {}", r.code, r.stderr.trim());
    assert_unusable(&r, needles);
    assert!(took < TIME_LIMIT, "{what} took {took:?}");
}

#[test]
fn locals_that_grow_tenfold_stop_at_a_limit() {
    let mut list = String::from("locals {\n  l0 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
    let mut text = String::from("locals {\n  s0 = \"0123456789\"\n");
    for i in 1..10 {
        let prev = format!("local.l{}", i - 1);
        list += &format!("  l{i} = [{}]\n", [prev.as_str(); 10].join(", "));
        let prev = format!("${{local.s{}}}", i - 1);
        text += &format!("  s{i} = \"{}\"\n", prev.repeat(10));
    }
    list += "}\n";
    text += "}\n";
    let d = temp_with(&[("main.tf", &format!("{list}{}", profile("1")))]);
    limited("ten lists", d.path(), &[], &["main.tf:", "limit reached"]);
    let d = temp_with(&[("main.tf", &format!("{text}{}", profile("1")))]);
    limited("ten strings", d.path(), &[], &["main.tf:", "limit reached"]);
}

#[test]
fn nine_nested_for_expressions_stop_at_a_limit() {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    // One that builds a 10^9 element value, one that builds nothing.
    for filter in ["", " if false"] {
        let mut expr = String::from("0");
        for (n, name) in names.iter().enumerate() {
            let cond = if n == 0 { filter } else { "" };
            expr = format!("[for {name} in local.ten : {expr}{cond}]");
        }
        let main = format!(
            "locals {{\n  ten = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n  x   = {expr}\n}}\n{}",
            profile("1")
        );
        let d = temp_with(&[("main.tf", &main)]);
        limited(
            "nine fors",
            d.path(),
            &[],
            &["main.tf:3", "local.x", "limit reached"],
        );
    }
}

#[test]
fn ten_module_calls_seven_levels_deep_stop_at_a_limit() {
    let mut files: Vec<(String, String)> = Vec::new();
    let calls = |to: &str| {
        (0..10)
            .map(|i| format!("module \"c{i}\" {{\n  source = \"{to}\"\n}}\n"))
            .collect::<String>()
    };
    files.push(("main.tf".into(), calls("./m1")));
    for level in 1..7 {
        files.push((
            format!("m{level}/main.tf"),
            calls(&format!("../m{}", level + 1)),
        ));
    }
    files.push(("m7/main.tf".into(), profile("1")));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let d = temp_with(&refs);
    limited(
        "ten modules seven deep",
        d.path(),
        &[],
        &["module.c0.module.c", "module limit reached", "500"],
    );
}

#[test]
fn variables_files_that_are_not_regular_files_are_refused() {
    let uses_var = format!("variable \"n\" {{\n  default = 1\n}}\n{}", profile("var.n"));
    let d = temp_with(&[("main.tf", &uses_var)]);
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.auto.tfvars"))
        .unwrap_or_else(|e| panic!("{e}"));
    limited(
        "/dev/zero",
        d.path(),
        &[],
        &["zero.auto.tfvars", "not a regular file (a device)"],
    );

    let d = temp_with(&[("main.tf", &uses_var)]);
    let fifo = d.path().join("pipe.auto.tfvars");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(made.success());
    limited(
        "FIFO",
        d.path(),
        &[],
        &["pipe.auto.tfvars", "not a regular file (a FIFO)"],
    );
    // Named on the command line, through a symlink, too.
    std::fs::remove_file(&fifo).unwrap_or_else(|e| panic!("{e}"));
    limited(
        "-var-file /dev/zero",
        d.path(),
        &["-var-file", "/dev/zero"],
        &["/dev/zero", "not a regular file"],
    );
}

#[test]
fn a_100_mb_variables_file_is_refused_before_it_is_read() {
    let uses_var = format!("variable \"n\" {{\n  default = 1\n}}\n{}", profile("var.n"));
    let d = temp_with(&[("main.tf", &uses_var)]);
    let mut text = String::with_capacity(101 << 20);
    let mut n = 0;
    while text.len() < 100_000_000 {
        text += &format!("padding_{n} = \"some text to fill the variables file\"\n");
        n += 1;
    }
    std::fs::write(d.path().join("terraform.tfvars"), text).unwrap_or_else(|e| panic!("{e}"));
    limited(
        "100 MB tfvars",
        d.path(),
        &[],
        &["terraform.tfvars", "file size limit reached", "4,194,304"],
    );
}

use std::collections::BTreeMap;
use std::time::Duration;

use tfplugin::{AttributePath, Diagnostics, Value};

use super::*;

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn block(pairs: &[(&str, Value)]) -> Value {
    Value::List(vec![obj(pairs)])
}

fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::string(*s)).collect())
}

fn parse(config: Value) -> (AwsSettings, Diagnostics) {
    let mut diags = Diagnostics::new();
    let s = settings_from_config(&config, true, &mut diags);
    (s, diags)
}

/// The attribute paths of the errors, as `a.b[0].c` strings.
fn error_paths(diags: &Diagnostics) -> Vec<String> {
    diags
        .iter()
        .filter_map(|d| d.attribute.as_ref().map(|p| format!("{p}")))
        .collect()
}

const ROLE: &str = "arn:aws:iam::210987654321:role/smuppy-deploy";

#[test]
fn go_durations_parse() {
    assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
    assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("900s"), Ok(Duration::from_secs(900)));
    assert_eq!(parse_duration("15m0s"), Ok(Duration::from_secs(900)));
    assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
    assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    for bad in [
        "", "1", "h", "1d", "1 h", "1h-5m", "-1h", "1..5h", "1H", "3600",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad:?} parsed");
    }
}

#[test]
fn assume_role_is_read() {
    let (s, diags) = parse(obj(&[
        ("allowed_account_ids", strings(&["210987654321"])),
        (
            "assume_role",
            block(&[
                ("role_arn", Value::string(ROLE)),
                ("session_name", Value::string("ci-run-42")),
                ("external_id", Value::string("smuppy-ext")),
                ("duration", Value::string("1h30m")),
                (
                    "policy",
                    Value::string(r#"{"Version":"2012-10-17","Statement":[]}"#),
                ),
                (
                    "tags",
                    Value::Map(BTreeMap::from([("team".to_string(), Value::string("api"))])),
                ),
            ]),
        ),
        ("retry_mode", Value::string("adaptive")),
    ]));
    assert!(!diags.has_errors(), "{diags:?}");
    let r = s.assume_role.expect("assume_role");
    assert_eq!(r.role_arn, ROLE);
    assert_eq!(r.session_name.as_deref(), Some("ci-run-42"));
    assert_eq!(r.external_id.as_deref(), Some("smuppy-ext"));
    assert_eq!(r.duration, Some(Duration::from_secs(5400)));
    assert_eq!(r.tags, vec![("team".to_string(), "api".to_string())]);
    assert_eq!(s.accounts.allowed, vec!["210987654321".to_string()]);
    assert_eq!(s.retry_mode, RetryMode::Adaptive);
}

#[test]
fn bad_values_are_errors_on_their_attribute() {
    let cases: Vec<(Value, &str)> = vec![
        (
            obj(&[(
                "assume_role",
                block(&[
                    ("role_arn", Value::string(ROLE)),
                    ("duration", Value::string("1d")),
                ]),
            )]),
            "assume_role[0].duration",
        ),
        (
            obj(&[(
                "assume_role",
                block(&[
                    ("role_arn", Value::string(ROLE)),
                    ("duration", Value::string("5m")),
                ]),
            )]),
            "assume_role[0].duration",
        ),
        (
            obj(&[(
                "assume_role",
                block(&[
                    ("role_arn", Value::string(ROLE)),
                    ("duration", Value::string("13h")),
                ]),
            )]),
            "assume_role[0].duration",
        ),
        (
            obj(&[(
                "assume_role",
                block(&[("role_arn", Value::string("smuppy-deploy"))]),
            )]),
            "assume_role[0].role_arn",
        ),
        (
            obj(&[(
                "assume_role",
                block(&[
                    ("role_arn", Value::string(ROLE)),
                    ("session_name", Value::string("a b")),
                ]),
            )]),
            "assume_role[0].session_name",
        ),
        (
            obj(&[(
                "assume_role",
                block(&[
                    ("role_arn", Value::string(ROLE)),
                    ("policy", Value::string("[1]")),
                ]),
            )]),
            "assume_role[0].policy",
        ),
        (
            obj(&[(
                "assume_role_with_web_identity",
                block(&[
                    ("role_arn", Value::string(ROLE)),
                    ("web_identity_token", Value::string("tok")),
                    ("web_identity_token_file", Value::string("/tmp/tok")),
                ]),
            )]),
            "assume_role_with_web_identity[0].web_identity_token_file",
        ),
        (
            obj(&[(
                "assume_role_with_web_identity",
                block(&[("role_arn", Value::string(ROLE))]),
            )]),
            "assume_role_with_web_identity[0]",
        ),
        (
            obj(&[("retry_mode", Value::string("legacy"))]),
            "retry_mode",
        ),
        (
            obj(&[("allowed_account_ids", strings(&["12345"]))]),
            "allowed_account_ids",
        ),
        (
            obj(&[
                ("allowed_account_ids", strings(&["210987654321"])),
                ("forbidden_account_ids", strings(&["123456789012"])),
            ]),
            "forbidden_account_ids",
        ),
        (
            obj(&[(
                "shared_config_files",
                strings(&["/nonexistent/smuppy/config"]),
            )]),
            "shared_config_files",
        ),
        (
            obj(&[("custom_ca_bundle", Value::string("/nonexistent/ca.pem"))]),
            "custom_ca_bundle",
        ),
        (
            obj(&[("http_proxy", Value::string("proxy:3128"))]),
            "http_proxy",
        ),
        (
            obj(&[("assume_role", block(&[("role_arn", Value::unknown())]))]),
            "assume_role[0].role_arn",
        ),
    ];
    for (config, path) in cases {
        let (_, diags) = parse(config);
        let paths = error_paths(&diags);
        assert_eq!(paths, vec![path.to_string()], "{diags:?}");
    }
}

#[test]
fn secrets_stay_out_of_diagnostics_and_debug() {
    let token = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.sig";
    let proxy = "http://user:hunter2-proxy-pass@proxy:3128";
    let (s, diags) = parse(obj(&[
        (
            "assume_role_with_web_identity",
            block(&[
                ("role_arn", Value::string(ROLE)),
                ("web_identity_token", Value::string(token)),
                ("duration", Value::string("1y")),
            ]),
        ),
        ("http_proxy", Value::string(proxy)),
    ]));
    // The duration error is reported, and nothing shows the token or proxy password.
    assert_eq!(
        error_paths(&diags),
        vec!["assume_role_with_web_identity[0].duration".to_string()]
    );
    let shown = format!("{diags:?} {s:?}");
    assert!(!shown.contains("c2VjcmV0LXRva2Vu"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let (_, bad_proxy) = parse(obj(&[(
        "http_proxy",
        Value::string("socks5://u:hunter2@x"),
    )]));
    assert!(!format!("{bad_proxy:?}").contains("hunter2"));
}

#[test]
fn unknown_values_pass_validation() {
    let mut diags = Diagnostics::new();
    settings_from_config(
        &obj(&[(
            "assume_role",
            block(&[
                ("role_arn", Value::unknown()),
                ("duration", Value::unknown()),
            ]),
        )]),
        false,
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags:?}");
    let _ = AttributePath::root();
}

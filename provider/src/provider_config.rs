//! Reading the provider block into [`AwsSettings`], with every problem
//! reported on its attribute. The names, defaults and descriptions live in
//! the schema ([`crate::schema::provider_schema`]); this file only checks
//! values and converts them.

use std::path::PathBuf;
use std::time::Duration;

use scaling_aws::{
    AccountGuard, AssumeRole, AwsSettings, RetryMode, Secret, WebIdentity, WebIdentityToken,
};
use tfplugin::{AttributePath, Diagnostics, Value};

use crate::fields::{check_enum, check_int, Obj};
use crate::schema::{
    ENDPOINT_SERVICES, RETRY_MODES, ROLE_DURATION_MAX_SECS, ROLE_DURATION_MIN_SECS,
};

/// Parses a duration string the way the official AWS provider does (Go's
/// `time.ParseDuration`): one or more decimal numbers, each with a unit
/// `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`, e.g. `"1h30m"` or `"1.5h"`.
/// Negative durations are refused (no role session can use one).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || {
        format!("{text:?} is not a duration: write numbers with units h, m, s (or ms, us, ns), e.g. \"1h\" or \"1h30m\"")
    };
    let s = text.strip_prefix('+').unwrap_or(text);
    if s.starts_with('-') {
        return Err(format!("{text:?} is negative"));
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err(bad());
    }
    let mut rest = s;
    let mut nanos: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(n);
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(bad());
        }
        let value: f64 = num.parse().map_err(|_| bad())?;
        let u = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, after) = tail.split_at(u);
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        nanos += value * scale;
        rest = after;
    }
    // Go's limit: about 290 years.
    if nanos > i64::MAX as f64 {
        return Err(format!("{text:?} is too long"));
    }
    Ok(Duration::from_nanos(nanos.round() as u64))
}

/// Reads the provider block into AWS settings, reporting problems on the
/// attribute. Unknown values are reported when `require_known` (configure
/// time) and skipped otherwise (validation).
pub fn settings_from_config(
    config: &Value,
    require_known: bool,
    diags: &mut Diagnostics,
) -> AwsSettings {
    let root_path = AttributePath::root();
    let root = Obj::new(config, &root_path);
    let mut settings = AwsSettings::default();
    let mut reader = Reader {
        require_known,
        diags,
    };
    for name in [
        "region",
        "profile",
        "max_retries",
        "retry_mode",
        "shared_config_files",
        "shared_credentials_files",
        "allowed_account_ids",
        "forbidden_account_ids",
        "custom_ca_bundle",
        "http_proxy",
    ] {
        reader.known(&root, name);
    }
    let diags = &mut *reader.diags;
    settings.region = root.str("region").map(str::to_string);
    if let Some(r) = &settings.region {
        let ok = !r.is_empty()
            && r.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            diags.attribute_error(
                root.path_of("region"),
                "Invalid region",
                format!("{r:?} is not an AWS region name such as \"us-east-1\"."),
            );
        }
    }
    settings.profile = root.str("profile").map(str::to_string);
    check_int(&root, "max_retries", 0, Some(25), "max_retries", diags);
    settings.max_retries = root.i64("max_retries").and_then(|n| u32::try_from(n).ok());
    check_enum(&root, "retry_mode", RETRY_MODES, diags);
    settings.retry_mode = match root.str("retry_mode") {
        Some("adaptive") => RetryMode::Adaptive,
        _ => RetryMode::Standard,
    };
    settings.shared_config_files = existing_files(&root, "shared_config_files", diags);
    settings.shared_credentials_files = existing_files(&root, "shared_credentials_files", diags);
    settings.accounts = account_guard(&root, diags);
    if let Some(path) = root.str("custom_ca_bundle") {
        let p = expand_home(path);
        if !p.is_file() {
            diags.attribute_error(
                root.path_of("custom_ca_bundle"),
                "CA bundle not found",
                format!("custom_ca_bundle names {path:?}, which is not a readable file."),
            );
        }
        settings.custom_ca_bundle = Some(p);
    }
    if let Some(url) = root.str("http_proxy") {
        // The value is sensitive (it may hold a password): never echoed.
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 9 {
            diags.attribute_error(
                root.path_of("http_proxy"),
                "Invalid http_proxy",
                "http_proxy must be an http:// or https:// URL such as \"http://proxy.example.com:3128\".",
            );
        }
        settings.http_proxy = Some(Secret::new(url));
    }
    let mut reader = Reader {
        require_known,
        diags,
    };
    if let Some((p, v)) = root.single("assume_role") {
        settings.assume_role = reader.assume_role(&Obj::new(v, &p));
    }
    if let Some((p, v)) = root.single("assume_role_with_web_identity") {
        settings.web_identity = reader.web_identity(&Obj::new(v, &p));
    }
    if let Some((p, v)) = root.single("endpoints") {
        let e = Obj::new(v, &p);
        for (service, _) in ENDPOINT_SERVICES {
            reader.known(&e, service);
            let Some(url) = e.str(service) else { continue };
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                reader.diags.attribute_error(
                    e.path_of(service),
                    "Invalid endpoint",
                    format!(
                        "The {service} endpoint must be an http:// or https:// URL, got {url:?}."
                    ),
                );
                continue;
            }
            settings
                .endpoints
                .insert(service.to_string(), url.to_string());
        }
    }
    settings
}

struct Reader<'d> {
    require_known: bool,
    diags: &'d mut Diagnostics,
}

impl Reader<'_> {
    /// At configure time an unknown value is an error on its attribute.
    fn known(&mut self, obj: &Obj<'_>, name: &str) {
        if self.require_known && obj.is_unknown(name) {
            self.diags.attribute_error(
                obj.path_of(name),
                format!("{name} is not known yet"),
                format!("The provider's {name} depends on a value known only after apply; the provider must be configured with known values."),
            );
        }
    }

    fn role_common(
        &mut self,
        obj: &Obj<'_>,
    ) -> (
        Option<String>,
        Option<String>,
        Option<Duration>,
        Option<String>,
    ) {
        for name in ["role_arn", "session_name", "duration", "policy"] {
            self.known(obj, name);
        }
        let role_arn = obj.str("role_arn").map(str::to_string);
        if let Some(arn) = &role_arn {
            if !is_role_arn(arn) {
                self.diags.attribute_error(
                    obj.path_of("role_arn"),
                    "Invalid role_arn",
                    format!("{arn:?} is not an IAM role ARN such as \"arn:aws:iam::210987654321:role/deploy\"."),
                );
            }
        }
        let session_name = obj.str("session_name").map(str::to_string);
        if let Some(n) = &session_name {
            let ok = (2..=64).contains(&n.len())
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
            if !ok {
                self.diags.attribute_error(
                    obj.path_of("session_name"),
                    "Invalid session_name",
                    format!("{n:?}: a role session name is 2 to 64 characters of letters, digits and _+=,.@-"),
                );
            }
        }
        let duration = obj.str("duration").and_then(|d| match parse_duration(d) {
            Ok(v) if (ROLE_DURATION_MIN_SECS..=ROLE_DURATION_MAX_SECS).contains(&v.as_secs()) => {
                Some(v)
            }
            Ok(_) => {
                self.diags.attribute_error(
                    obj.path_of("duration"),
                    "Invalid duration",
                    format!("{d:?} is outside what STS accepts for a role session: 15m to 12h."),
                );
                None
            }
            Err(e) => {
                self.diags
                    .attribute_error(obj.path_of("duration"), "Invalid duration", e);
                None
            }
        });
        let policy = obj.str("policy").map(str::to_string);
        if let Some(p) = &policy {
            if serde_json::from_str::<serde_json::Value>(p)
                .map(|v| !v.is_object())
                .unwrap_or(true)
            {
                self.diags.attribute_error(
                    obj.path_of("policy"),
                    "Invalid policy",
                    "policy must be an IAM policy document: a JSON object.",
                );
            }
        }
        (role_arn, session_name, duration, policy)
    }

    fn assume_role(&mut self, obj: &Obj<'_>) -> Option<AssumeRole> {
        let (role_arn, session_name, duration, policy) = self.role_common(obj);
        self.known(obj, "external_id");
        self.known(obj, "tags");
        let external_id = obj.str("external_id").map(str::to_string);
        if let Some(id) = &external_id {
            let ok = (2..=1224).contains(&id.len())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
            if !ok {
                // Not a secret (AWS says so), but no need to echo it either.
                self.diags.attribute_error(
                    obj.path_of("external_id"),
                    "Invalid external_id",
                    "An external ID is 2 to 1,224 characters of letters, digits and _+=,.@:/-",
                );
            }
        }
        let mut tags = Vec::new();
        if let Some(Value::Map(m)) = obj.value.get("tags") {
            for (k, v) in m {
                if let Some(v) = v.as_str() {
                    tags.push((k.clone(), v.to_string()));
                }
            }
        }
        Some(AssumeRole {
            role_arn: role_arn?,
            session_name,
            external_id,
            duration,
            policy,
            tags,
        })
    }

    fn web_identity(&mut self, obj: &Obj<'_>) -> Option<WebIdentity> {
        let (role_arn, session_name, duration, policy) = self.role_common(obj);
        self.known(obj, "web_identity_token");
        self.known(obj, "web_identity_token_file");
        let token = match (
            obj.str("web_identity_token"),
            obj.str("web_identity_token_file"),
        ) {
            (Some(_), Some(_)) => {
                self.diags.attribute_error(
                    obj.path_of("web_identity_token_file"),
                    "Conflicting web identity token",
                    "Set web_identity_token or web_identity_token_file, not both.",
                );
                None
            }
            (Some(""), None) => {
                self.diags.attribute_error(
                    obj.path_of("web_identity_token"),
                    "Empty web_identity_token",
                    "The web identity token is empty.",
                );
                None
            }
            (Some(t), None) => Some(WebIdentityToken::Inline(Secret::new(t))),
            (None, Some(f)) => Some(WebIdentityToken::File(expand_home(f))),
            (None, None) => {
                let unknown = obj.is_unknown("web_identity_token")
                    || obj.is_unknown("web_identity_token_file");
                if !unknown {
                    self.diags.attribute_error(
                        obj.path.clone(),
                        "No web identity token",
                        "assume_role_with_web_identity needs web_identity_token or web_identity_token_file.",
                    );
                }
                None
            }
        };
        Some(WebIdentity {
            role_arn: role_arn?,
            session_name,
            token: token?,
            duration,
            policy,
        })
    }
}

fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5].starts_with("role/")
        && parts[5].len() > "role/".len()
}

fn account_guard(root: &Obj<'_>, diags: &mut Diagnostics) -> AccountGuard {
    let guard = AccountGuard {
        allowed: root.strings("allowed_account_ids"),
        forbidden: root.strings("forbidden_account_ids"),
    };
    for (name, ids) in [
        ("allowed_account_ids", &guard.allowed),
        ("forbidden_account_ids", &guard.forbidden),
    ] {
        for id in ids {
            if id.len() != 12 || !id.chars().all(|c| c.is_ascii_digit()) {
                diags.attribute_error(
                    root.path_of(name),
                    "Invalid account ID",
                    format!("{id:?} is not an AWS account ID (12 digits)."),
                );
            }
        }
    }
    if !guard.allowed.is_empty() && !guard.forbidden.is_empty() {
        diags.attribute_error(
            root.path_of("forbidden_account_ids"),
            "Conflicting account lists",
            "Set allowed_account_ids or forbidden_account_ids, not both.",
        );
    }
    guard
}

/// `~/` at the start of a path means the home directory, as in the AWS
/// provider.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

fn existing_files(root: &Obj<'_>, name: &str, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in root.strings(name) {
        let p = expand_home(&f);
        if !p.is_file() {
            diags.attribute_error(
                root.path_of(name),
                "File not found",
                format!("{name} lists {f:?}, which is not a readable file."),
            );
        }
        out.push(p);
    }
    out
}

/// The provider block's `early_warning_percent` as the share the rules use
/// (0–1), checked on the attribute: above 0 and at most 100.
pub fn early_warning_from_config(config: &Value, diags: &mut Diagnostics) -> Option<f64> {
    let root_path = AttributePath::root();
    let root = Obj::new(config, &root_path);
    let p = root.f64(EARLY_WARNING_ATTRIBUTE)?;
    if p.is_finite() && p > 0.0 && p <= 100.0 {
        Some(p / 100.0)
    } else {
        diags.attribute_error(
            root.path_of(EARLY_WARNING_ATTRIBUTE),
            "Invalid early_warning_percent",
            format!("early_warning_percent must be above 0 and at most 100 (100 turns the CAP013 early warning off), got {p}."),
        );
        None
    }
}

/// The provider block attribute setting CAP013's threshold.
pub const EARLY_WARNING_ATTRIBUTE: &str = "early_warning_percent";

#[cfg(test)]
#[path = "provider_config_tests.rs"]
mod tests;

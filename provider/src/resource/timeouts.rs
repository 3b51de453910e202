//! The `timeouts` block: how long create, update and delete wait for
//! asynchronous AWS work, as Go-style duration strings (`"30m"`).

use std::time::Duration;

use tfplugin::{AttributePath, Diagnostics, Value};

use crate::provider_config::parse_duration;
use crate::schema::{TIMEOUTS, TIMEOUT_OPERATIONS};

/// The longest wait accepted (a day, as `wait_timeout_seconds` allowed).
pub const MAX_WAIT: Duration = Duration::from_secs(86_400);

/// The duration an operation's timeout sets, or what is wrong with it.
fn parse(text: &str) -> Result<Duration, String> {
    let d = parse_duration(text)?;
    if d < Duration::from_secs(1) || d > MAX_WAIT {
        return Err(format!(
            "{text:?} is out of range: a timeout is between 1s and {}h",
            MAX_WAIT.as_secs() / 3600
        ));
    }
    Ok(d)
}

/// Checks every timeout the configuration sets, each on its attribute.
pub fn validate(config: &Value, diags: &mut Diagnostics) {
    let Some(t) = config.get(TIMEOUTS) else {
        return;
    };
    for op in TIMEOUT_OPERATIONS {
        let Some(text) = t.get(op).and_then(Value::as_str) else {
            continue;
        };
        if let Err(why) = parse(text) {
            diags.attribute_error(
                AttributePath::attr(TIMEOUTS).then_attr(op),
                format!("Invalid {op} timeout"),
                format!("{why}. Write a duration such as \"30m\" or \"1h30m\"."),
            );
        }
    }
}

/// How long `op` waits according to `value`'s timeouts (None: the
/// components' default, `scaling_aws::run::DEFAULT_WAIT`).
pub fn wait(value: &Value, op: &str) -> Option<Duration> {
    let text = value.get(TIMEOUTS)?.get(op)?.as_str()?;
    parse(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn config(op: &str, text: &str) -> Value {
        let t = Value::Object(BTreeMap::from([(op.to_string(), Value::string(text))]));
        Value::Object(BTreeMap::from([(TIMEOUTS.to_string(), t)]))
    }

    #[test]
    fn durations_are_read_per_operation() {
        assert_eq!(
            wait(&config("create", "30m"), "create"),
            Some(Duration::from_secs(1800))
        );
        assert_eq!(wait(&config("create", "30m"), "update"), None);
        assert_eq!(wait(&Value::Null, "delete"), None);
    }

    #[test]
    fn bad_durations_are_refused_on_their_attribute() {
        for (op, bad) in [
            ("create", "30"),
            ("update", "soon"),
            ("delete", "-5m"),
            ("create", "0s"),
            ("update", "48h"),
        ] {
            let mut d = Diagnostics::new();
            validate(&config(op, bad), &mut d);
            let got: Vec<String> = d
                .iter()
                .map(|d| {
                    d.attribute
                        .as_ref()
                        .map(|p| p.to_string())
                        .unwrap_or_default()
                })
                .collect();
            assert_eq!(got, vec![format!("timeouts.{op}")], "{bad}");
            assert!(d.iter().all(|d| d.detail.contains(bad)), "{bad}");
        }
        let mut d = Diagnostics::new();
        validate(&config("create", "1h30m"), &mut d);
        assert!(d.iter().next().is_none());
    }
}

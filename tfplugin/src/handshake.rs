//! go-plugin's launch contract: the magic cookie, protocol version
//! negotiation, and the one handshake line printed on stdout.

use std::collections::BTreeSet;

use base64::Engine;

/// The environment variable Terraform sets so a plugin knows it was launched
/// by Terraform, and its value.
pub(crate) const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub(crate) const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// What a plugin prints (on stderr) when someone runs it by hand.
pub const NOT_A_PLUGIN_MESSAGE: &str = "This binary is a plugin. These are not meant to be executed directly. Please execute the program that consumes these plugins, which will load any plugins automatically";

/// The one protocol this crate speaks.
pub(crate) const PROTOCOL_VERSION: u32 = 6;

/// Whether the magic cookie is present and right.
pub(crate) fn cookie_ok(value: Option<&str>) -> bool {
    value == Some(MAGIC_COOKIE_VALUE)
}

/// Checks `PLUGIN_PROTOCOL_VERSIONS` (a comma-separated set in any order,
/// e.g. `5,6` or `6,5`). Absent or empty means the client did not
/// negotiate, and version 6 is used. Otherwise the set must contain 6.
pub(crate) fn negotiate_version(value: Option<&str>) -> Result<u32, String> {
    let Some(raw) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    let offered: BTreeSet<u32> = raw
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .collect();
    if offered.contains(&PROTOCOL_VERSION) {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(format!(
            "this plugin speaks Terraform plugin protocol {PROTOCOL_VERSION}, \
             but the client offers only {raw:?}; use Terraform 1.0 or later"
        ))
    }
}

/// `1|6|unix|/path|grpc|<cert>`: core protocol 1, app protocol 6, the
/// address, gRPC, and the server certificate as unpadded standard base64 of
/// its DER (empty without TLS).
pub(crate) fn handshake_line(
    network: &str,
    address: &str,
    server_cert_der: Option<&[u8]>,
) -> String {
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("1|{PROTOCOL_VERSION}|{network}|{address}|grpc|{cert}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_a_set() {
        assert_eq!(negotiate_version(Some("5,6")), Ok(6));
        assert_eq!(negotiate_version(Some("6,5")), Ok(6));
        assert_eq!(negotiate_version(Some(" 6 ")), Ok(6));
        assert_eq!(negotiate_version(None), Ok(6));
        assert!(negotiate_version(Some("5")).is_err());
        assert!(negotiate_version(Some("4,5,60")).is_err());
    }

    #[test]
    fn cookie_must_match_exactly() {
        assert!(cookie_ok(Some(MAGIC_COOKIE_VALUE)));
        assert!(!cookie_ok(None));
        assert!(!cookie_ok(Some("")));
        assert!(!cookie_ok(Some(&MAGIC_COOKIE_VALUE[1..])));
    }

    #[test]
    fn line_has_six_fields_and_unpadded_cert() {
        // 4 bytes encode to 6 characters without padding (8 with "==").
        let line = handshake_line("unix", "/tmp/p.sock", Some(&[1, 2, 3, 4]));
        assert_eq!(line, "1|6|unix|/tmp/p.sock|grpc|AQIDBA");
        let plain = handshake_line("unix", "/tmp/p.sock", None);
        assert_eq!(plain, "1|6|unix|/tmp/p.sock|grpc|");
        assert_eq!(plain.split('|').count(), 6);
    }
}

//! What AWS accepts as the ids, names and codes a profile names, so a bad
//! one is refused on its attribute before any write instead of failing half
//! way through an apply (an empty function name, for instance, cannot even be
//! put in a request URI and fails in the SDK).
//!
//! Each rule comes from the AWS API model (botocore
//! `data/<service>/<version>/service-2.json`), cited beside it: the shape's
//! `pattern`, `min` and `max`, or the member's documentation where the shape
//! carries none. One place, used by the provider's ValidateResourceConfig and
//! its import ID parser, and by `smuppy-validate`, through the model
//! ([`crate::model`]), which names the rule of each attribute.
//!
//! Every check returns `Err(detail)`: one sentence saying what AWS accepts,
//! ending with the value given, ready for a diagnostic's detail.

/// One id check: `Err(detail)` says what AWS accepts there.
pub type Rule = fn(&str) -> Result<(), String>;

fn fail(rule: &str, got: &str) -> Result<(), String> {
    Err(format!("{rule}; got {got:?}."))
}

fn all(s: &str, ok: impl Fn(char) -> bool) -> bool {
    s.chars().all(ok)
}

fn word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// A 12-digit account id.
fn account(s: &str) -> bool {
    s.len() == 12 && all(s, |c| c.is_ascii_digit())
}

/// A region as the Lambda model spells it:
/// `(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}`, loosened to
/// "lowercase words separated by '-', the last one a single digit".
fn region_like(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && all(p, |c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].len() == 1
        && all(parts[parts.len() - 1], |c| c.is_ascii_digit())
}

/// Lambda `FunctionName` (lambda 2015-03-31, shape `FunctionName`): 1 to 140
/// characters matching
/// `(arn:(aws[a-zA-Z-]*)?:lambda:)?(REGION:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`;
/// its documentation limits a bare name to 64 characters. The optional
/// `:QUALIFIER` suffix is refused here: the profile takes the qualifier in
/// its own attribute, and reserved concurrency applies to the unqualified
/// function.
pub fn function_name(s: &str) -> Result<(), String> {
    const RULE: &str = "A Lambda function name is 1 to 64 letters, digits, '-' and '_', or a function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME, at most 140 characters) without a version or alias suffix (put that in qualifier)";
    let bare = |n: &str| !n.is_empty() && n.len() <= 64 && all(n, word);
    let ok = if let Some(rest) = s.strip_prefix("arn:") {
        // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME
        let p: Vec<&str> = rest.split(':').collect();
        s.len() <= 140
            && p.len() == 6
            && p[0].starts_with("aws")
            && all(p[0], |c| c.is_ascii_alphabetic() || c == '-')
            && p[1] == "lambda"
            && region_like(p[2])
            && account(p[3])
            && p[4] == "function"
            && bare(p[5])
    } else {
        match s.split(':').collect::<Vec<_>>().as_slice() {
            [name] => bare(name),
            // Partial ARN: ACCOUNT:function:NAME.
            [acct, "function", name] => account(acct) && bare(name),
            _ => false,
        }
    };
    if ok {
        Ok(())
    } else {
        fail(RULE, s)
    }
}

/// Lambda `Qualifier` of PutProvisionedConcurrencyConfig (shape `Qualifier`):
/// 1 to 128 characters matching `[a-zA-Z0-9$_-]+`, a version number or an
/// alias name. (`$LATEST`, which AWS refuses for provisioned concurrency, is
/// rule LIM010's.)
pub fn qualifier(s: &str) -> Result<(), String> {
    if !s.is_empty() && s.len() <= 128 && all(s, |c| word(c) || c == '$') {
        Ok(())
    } else {
        fail(
            "A Lambda qualifier (version number or alias name) is 1 to 128 letters, digits, '-', '_' and '$'",
            s,
        )
    }
}

/// API Gateway `restApiId` (apigateway 2015-07-09, UpdateStage/GetStage):
/// a URI label (`/restapis/{restapi_id}/...`), which must not be empty; the
/// model gives no pattern. API Gateway generates ids of 10 lowercase letters
/// and digits, so anything but letters and digits cannot name an API.
pub fn rest_api_id(s: &str) -> Result<(), String> {
    if !s.is_empty() && s.len() <= 128 && all(s, |c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        fail(
            "A REST API id is the id API Gateway generated, letters and digits such as \"bmkd8zayee\"",
            s,
        )
    }
}

/// API Gateway `stageName` (CreateStage documentation): "Stage names can
/// only contain alphanumeric characters, hyphens, and underscores. Maximum
/// length is 128 characters." Also a URI label, so not empty.
pub fn stage_name(s: &str) -> Result<(), String> {
    if !s.is_empty() && s.len() <= 128 && all(s, word) {
        Ok(())
    } else {
        fail("A stage name is 1 to 128 letters, digits, '-' and '_'", s)
    }
}

/// DynamoDB `TableName` (dynamodb 2012-08-10, shape `TableName`): 3 to 255
/// characters matching `[a-zA-Z0-9_.-]+`. (UpdateTable also takes a table
/// ARN, but the auto scaling resource id `table/NAME` needs the name.)
pub fn table_name(s: &str) -> Result<(), String> {
    if (3..=255).contains(&s.len()) && all(s, |c| word(c) || c == '.') {
        Ok(())
    } else {
        fail(
            "A DynamoDB table name is 3 to 255 letters, digits, '_', '-' and '.'",
            s,
        )
    }
}

/// Service Quotas `ServiceCode` (service-quotas 2019-06-24, shape
/// `ServiceCode`): pattern `[a-zA-Z][a-zA-Z0-9-]{1,63}`, at most 63
/// characters.
pub fn service_code(s: &str) -> Result<(), String> {
    if code(s, 63) {
        Ok(())
    } else {
        fail(
            "A Service Quotas service code is 2 to 63 letters, digits and '-', starting with a letter",
            s,
        )
    }
}

/// Service Quotas `QuotaCode` (shape `QuotaCode`): pattern
/// `[a-zA-Z][a-zA-Z0-9-]{1,128}`, at most 128 characters.
pub fn quota_code(s: &str) -> Result<(), String> {
    if code(s, 128) {
        Ok(())
    } else {
        fail(
            "A Service Quotas quota code is 2 to 128 letters, digits and '-', starting with a letter, such as \"L-8A5B8E43\"",
            s,
        )
    }
}

fn code(s: &str, max: usize) -> bool {
    (2..=max).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && all(s, |c| c.is_ascii_alphanumeric() || c == '-')
}

/// CloudFront `CachePolicyConfig.Name` (cloudfront 2020-05-31): required,
/// "a unique name to identify the cache policy"; the model gives no pattern,
/// so only an empty or blank name is refused.
pub fn cache_policy_name(s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        fail("A cache policy name must not be empty", s)
    } else {
        Ok(())
    }
}

/// CloudWatch `DashboardName` (monitoring 2010-08-01, PutDashboard
/// documentation): "The maximum length is 255, and valid characters are
/// A-Z, a-z, 0-9, "-", and "_"."
pub fn dashboard_name(s: &str) -> Result<(), String> {
    if !s.is_empty() && s.len() <= 255 && all(s, word) {
        Ok(())
    } else {
        fail(
            "A dashboard name is 1 to 255 letters, digits, '-' and '_'",
            s,
        )
    }
}

/// Global Accelerator CreateAccelerator `Name` (globalaccelerator
/// 2018-08-08, documentation): "a maximum of 64 characters, must contain
/// only alphanumeric characters, periods (.), or hyphens (-), and must not
/// begin or end with a hyphen or period."
pub fn accelerator_name(s: &str) -> Result<(), String> {
    let edge = |c: char| c == '-' || c == '.';
    if !s.is_empty()
        && s.len() <= 64
        && all(s, |c| c.is_ascii_alphanumeric() || edge(c))
        && !s.starts_with(edge)
        && !s.ends_with(edge)
    {
        Ok(())
    } else {
        fail(
            "An accelerator name is 1 to 64 letters, digits, '.' and '-', not starting or ending with '.' or '-'",
            s,
        )
    }
}

/// Global Accelerator `AcceleratorArn` (shape `GenericString`, at most 255
/// characters): `arn:aws:globalaccelerator::ACCOUNT:accelerator/ID`.
pub fn accelerator_arn(s: &str) -> Result<(), String> {
    let p: Vec<&str> = s.splitn(6, ':').collect();
    let ok = s.len() <= 255
        && p.len() == 6
        && p[0] == "arn"
        && p[1].starts_with("aws")
        && p[2] == "globalaccelerator"
        && p[5]
            .strip_prefix("accelerator/")
            .is_some_and(|id| !id.is_empty() && !id.contains('/'));
    if ok {
        Ok(())
    } else {
        fail(
            "An accelerator ARN is arn:aws:globalaccelerator::ACCOUNT:accelerator/ID, at most 255 characters",
            s,
        )
    }
}

/// Global Accelerator `EndpointConfiguration.EndpointId` (shape
/// `GenericString`, at most 255 characters): a load balancer ARN, an
/// instance id or an Elastic IP allocation id, never blank.
pub fn endpoint_id(s: &str) -> Result<(), String> {
    if !s.trim().is_empty() && s.len() <= 255 && !s.chars().any(char::is_whitespace) {
        Ok(())
    } else {
        fail(
            "An endpoint id is a load balancer ARN, an instance id or an Elastic IP allocation id, at most 255 characters without spaces",
            s,
        )
    }
}

/// An AWS region name such as `us-west-2` (the region part of the Lambda
/// `FunctionName` pattern: `[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d`).
pub fn region(s: &str) -> Result<(), String> {
    if s.len() <= 255 && region_like(s) {
        Ok(())
    } else {
        fail("A region is a name such as \"us-west-2\"", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_follow_the_lambda_model() {
        for ok in [
            "smuppy-api-handler",
            "f",
            "A_b-9",
            "123456789012:function:my-function",
            "arn:aws:lambda:us-west-2:123456789012:function:my-function",
            "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f",
            &"a".repeat(64),
        ] {
            assert_eq!(function_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            " ",
            "my function",
            "f:prod",
            "f/g",
            "fn.x",
            "arn:aws:lambda:us-west-2:123456789012:function:f:prod",
            "arn:aws:s3:us-west-2:123456789012:function:f",
            "12345:function:f",
            &"a".repeat(65),
        ] {
            let e = function_name(bad).unwrap_err();
            assert!(e.ends_with(&format!("got {bad:?}.")), "{e}");
        }
    }

    #[test]
    fn other_ids_follow_their_models() {
        assert!(qualifier("prod").is_ok() && qualifier("42").is_ok());
        assert!(qualifier("").is_err() && qualifier("a b").is_err());
        assert!(qualifier(&"q".repeat(129)).is_err());
        assert!(rest_api_id("bmkd8zayee").is_ok());
        assert!(rest_api_id("").is_err() && rest_api_id("a/b").is_err());
        assert!(stage_name("prod_v2-x").is_ok());
        assert!(stage_name("").is_err() && stage_name("a.b").is_err());
        assert!(stage_name(&"s".repeat(129)).is_err());
        assert!(table_name("smuppy.feeds_staging-1").is_ok());
        for bad in ["", "ab", "a b", "t/x", &"t".repeat(256)] {
            assert!(table_name(bad).is_err(), "{bad}");
        }
        assert!(service_code("apigateway").is_ok() && service_code("AWSCloudMap").is_ok());
        for bad in ["", "a", "api gateway", "9lambda", &"s".repeat(64)] {
            assert!(service_code(bad).is_err(), "{bad}");
        }
        assert!(quota_code("L-8A5B8E43").is_ok());
        assert!(quota_code("").is_err() && quota_code("-L").is_err());
        assert!(cache_policy_name("Smuppy API").is_ok() && cache_policy_name(" ").is_err());
        assert!(dashboard_name("Smuppy_Scaling-1").is_ok());
        assert!(dashboard_name("").is_err() && dashboard_name("a/b").is_err());
        assert!(accelerator_name("smuppy.edge-1").is_ok());
        for bad in ["", "-a", "a.", "a_b", &"a".repeat(65)] {
            assert!(accelerator_name(bad).is_err(), "{bad}");
        }
        assert!(accelerator_arn(
            "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh"
        )
        .is_ok());
        assert!(accelerator_arn("").is_err() && accelerator_arn("arn:aws:s3:::b").is_err());
        assert!(endpoint_id("i-0123").is_ok() && endpoint_id("").is_err());
        assert!(region("us-west-2").is_ok() && region("us-gov-west-1").is_ok());
        assert!(region("").is_err() && region("US-WEST-2").is_err() && region("uswest2").is_err());
    }
}

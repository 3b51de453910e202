//! The schemas of the provider block and of `smuppy_scaling_profile`.
//!
//! Every attribute has a description (markdown); the registry-style docs are
//! generated from them. Settings a profile manages are optional+computed:
//! left out, the provider leaves the setting as AWS has it and shows the
//! value it read; set, the provider converges AWS onto it. A setting with a
//! documented default AWS would not pick by itself (the auto scaling target
//! and cooldowns) is planned as that default when left out
//! ([`planned_default`]): apply sends it, state records what AWS reports,
//! and any other value on AWS is drift.

use scaling::model::{self, DefaultValue, Described, FieldInfo, Kind, Mode};
use tfplugin::{Attribute, Block, NestedBlock, Nesting, Schema, Type, Value};

/// Name of the one resource type.
pub const RESOURCE_TYPE: &str = "smuppy_scaling_profile";

/// Current schema version of `smuppy_scaling_profile` state.
pub const RESOURCE_SCHEMA_VERSION: i64 = 1;

/// The AWS services whose endpoints the provider block can override, in the
/// order the docs list them. Keys are the official AWS provider's names.
pub const ENDPOINT_SERVICES: &[(&str, &str)] = &[
    ("apigateway", "API Gateway (REST stages, account throttle)"),
    ("lambda", "Lambda"),
    ("dynamodb", "DynamoDB"),
    (
        "applicationautoscaling",
        "Application Auto Scaling (DynamoDB auto scaling)",
    ),
    ("cloudfront", "CloudFront (cache policies)"),
    ("cloudwatch", "CloudWatch (dashboards)"),
    ("servicequotas", "Service Quotas"),
    (
        "globalaccelerator",
        "Global Accelerator (its API lives in us-west-2)",
    ),
    (
        "sts",
        "STS (GetCallerIdentity for the account guard, AssumeRole and AssumeRoleWithWebIdentity)",
    ),
];

/// Role session durations the provider accepts (STS's own bounds: 15 minutes
/// up to the role's maximum, at most 12 hours).
pub const ROLE_DURATION_MIN_SECS: u64 = 15 * 60;
pub const ROLE_DURATION_MAX_SECS: u64 = 12 * 3600;

/// `retry_mode` values.
pub const RETRY_MODES: &[&str] = &["standard", "adaptive"];

fn duration_doc() -> String {
    format!(
        "How long the role session lasts, as a duration string of numbers with units `h`, `m`, `s` (also `ms`, `us`, `ns`), e.g. `\"1h\"` or `\"1h30m\"`, between 15 minutes and 12 hours (and no longer than the role's maximum session duration). Default `{}s`.",
        scaling_aws::credentials::DEFAULT_ROLE_DURATION.as_secs()
    )
}

fn assume_role_block() -> NestedBlock {
    let b = Block::new(
        "A role to assume with STS AssumeRole, as in the official AWS provider: the provider's other credentials (the standard chain, `profile`, or `assume_role_with_web_identity`) call AssumeRole and every AWS call then uses the role's temporary credentials.",
    )
    .attr(Attribute::required("role_arn", Type::String).describe("ARN of the IAM role to assume, e.g. `arn:aws:iam::210987654321:role/smuppy-deploy`."))
    .attr(Attribute::optional("session_name", Type::String).describe(&format!("Role session name (2 to 64 characters of `[\\w+=,.@-]`), visible in CloudTrail and in the assumed role's ARN. Default `{}`.", scaling_aws::credentials::DEFAULT_SESSION_NAME)))
    .attr(Attribute::optional("external_id", Type::String).describe("External ID the role's trust policy requires (2 to 1,224 characters of `[\\w+=,.@:/-]`)."))
    .attr(Attribute::optional("duration", Type::String).describe(&duration_doc()))
    .attr(Attribute::optional("policy", Type::String).describe("IAM policy JSON that further restricts the session's permissions (a session policy)."))
    .attr(Attribute::optional("tags", Type::map(Type::String)).describe("Session tags, key to value."));
    NestedBlock::new("assume_role", Nesting::List, b).max_items(1)
}

fn web_identity_block() -> NestedBlock {
    let b = Block::new(
        "A role to assume with STS AssumeRoleWithWebIdentity (an OIDC token, e.g. from a CI system), as in the official AWS provider. It replaces the standard credential chain; with `assume_role` also set, that role is assumed from this one.",
    )
    .attr(Attribute::required("role_arn", Type::String).describe("ARN of the IAM role to assume."))
    .attr(Attribute::optional("session_name", Type::String).describe(&format!("Role session name (2 to 64 characters of `[\\w+=,.@-]`). Default `{}`.", scaling_aws::credentials::DEFAULT_SESSION_NAME)))
    .attr(Attribute::optional("web_identity_token", Type::String).sensitive().describe("The OIDC token itself. Sensitive: never shown in plans, logs or diagnostics. Conflicts with `web_identity_token_file`; one of the two is required."))
    .attr(Attribute::optional("web_identity_token_file", Type::String).describe("Path of a file holding the OIDC token, read again whenever the credentials are refreshed."))
    .attr(Attribute::optional("duration", Type::String).describe(&duration_doc()))
    .attr(Attribute::optional("policy", Type::String).describe("IAM policy JSON that further restricts the session's permissions."));
    NestedBlock::new("assume_role_with_web_identity", Nesting::List, b).max_items(1)
}

pub fn provider_schema() -> Schema {
    let mut endpoints = Block::new(
        "Per-service endpoint URLs, as in the official AWS provider: point a service at an emulator or a VPC endpoint. Unset services use AWS's regular endpoints.",
    );
    for (name, what) in ENDPOINT_SERVICES {
        endpoints = endpoints.attr(
            Attribute::optional(name, Type::String).describe(&format!("Endpoint URL for {what}.")),
        );
    }
    Schema {
        version: 0,
        block: Block::new(
            "The smuppy provider turns an API scaling plan into AWS settings. Credentials come from the standard AWS chain (environment, shared config and credentials files with `profile`, SSO, web identity, container and instance roles), optionally followed by an assumed role (`assume_role`, `assume_role_with_web_identity`); the provider block takes no access keys. Set `allowed_account_ids` so a run against the wrong account stops before it changes anything.",
        )
        .attr(Attribute::optional("region", Type::String).describe(
            "AWS region of the regional services (API Gateway, Lambda, DynamoDB, Application Auto Scaling, Service Quotas). Defaults to the standard chain (`AWS_REGION`, the profile's region). CloudFront is always called in us-east-1 and Global Accelerator in us-west-2.",
        ))
        .attr(Attribute::optional("profile", Type::String).describe(
            "Named profile of the shared AWS config and credentials files. Defaults to `AWS_PROFILE` or `default`.",
        ))
        .attr(Attribute::optional("max_retries", Type::Number).describe(&format!(
            "How many times a throttled or failed AWS call is retried (exponential backoff with jitter, paced by retry_mode). Default {}; 0 disables retries.",
            scaling_aws::client::DEFAULT_MAX_RETRIES
        ),
        ))
        .attr(Attribute::optional(crate::provider_config::EARLY_WARNING_ATTRIBUTE, Type::Number).describe(&format!(
            "Share of a limit, in percent, from which a plan warns that a need is getting close to it (rule CAP013: concurrency against reserved and account concurrency, requests against what API Gateway lets through, table units against the table's ceiling). Default {}; 100 turns the early warning off. `smuppy-validate --early-warning` is the same setting.",
            scaling::finding::num(scaling::DEFAULT_EARLY_WARNING * 100.0)
        )))
        .attr(Attribute::optional("retry_mode", Type::String).describe(
            "How retries are paced: `standard` (default: exponential backoff with jitter) or `adaptive` (standard, plus a client-side rate limiter that slows the provider down while AWS throttles).",
        ))
        .attr(Attribute::optional("shared_config_files", Type::list(Type::String)).describe(
            "Paths of the shared config files to read instead of `~/.aws/config` (`~` is expanded). Every file listed must exist.",
        ))
        .attr(Attribute::optional("shared_credentials_files", Type::list(Type::String)).describe(
            "Paths of the shared credentials files to read instead of `~/.aws/credentials` (`~` is expanded). Every file listed must exist.",
        ))
        .attr(Attribute::optional("allowed_account_ids", Type::set(Type::String)).describe(
            "The only AWS accounts the provider may work in. When the provider is configured (every plan and apply), STS GetCallerIdentity tells which account the credentials reach; any other account stops the run before any AWS write, with an error naming both. Conflicts with `forbidden_account_ids`.",
        ))
        .attr(Attribute::optional("forbidden_account_ids", Type::set(Type::String)).describe(
            "AWS accounts the provider must never work in, checked like `allowed_account_ids`. Conflicts with it.",
        ))
        .attr(Attribute::optional("custom_ca_bundle", Type::String).describe(
            "Path of a PEM file of extra trusted CA certificates (a TLS-inspecting proxy's, or a private endpoint's), added to the system's roots for every AWS call.",
        ))
        .attr(Attribute::optional("http_proxy", Type::String).sensitive().describe(
            "URL of the proxy (`http://` or `https://`) every AWS API request goes through, HTTPS ones included. Unset: no proxy (the `HTTP_PROXY` and `HTTPS_PROXY` environment variables are not read). Sensitive, since a proxy URL may carry a password.",
        ))
        .block(assume_role_block())
        .block(web_identity_block())
        .block(
            NestedBlock::new("endpoints", Nesting::List, endpoints).max_items(1),
        ),
    }
}

/// The Terraform type of a model attribute.
pub fn field_type(kind: Kind) -> Type {
    match kind {
        Kind::String => Type::String,
        Kind::Int | Kind::Number => Type::Number,
        Kind::Bool => Type::Bool,
        Kind::Strings => Type::list(Type::String),
        Kind::Ints => Type::list(Type::Number),
    }
}

/// The schema attribute of a model attribute: its mode, type and
/// description (its documented default included).
pub fn field_attribute(f: &FieldInfo) -> Attribute {
    let ty = field_type(f.kind);
    let a = match f.mode {
        Mode::Required => Attribute::required(f.name, ty),
        Mode::Optional => Attribute::optional(f.name, ty),
        Mode::Computed => Attribute::computed(f.name, ty),
        Mode::OptionalComputed => Attribute::optional_computed(f.name, ty),
    };
    a.describe(&f.description())
}

/// The schema block of a model block: its attributes and nested blocks.
fn model_block(b: &dyn Described) -> Block {
    let mut out = Block::new(b.description());
    for f in b.fields() {
        out = out.attr(field_attribute(&f));
    }
    for c in b.blocks() {
        out = out.block(model_nested(*c));
    }
    out
}

fn model_nested(b: &dyn Described) -> NestedBlock {
    let n = NestedBlock::new(b.location(), Nesting::List, model_block(b));
    match b.nesting() {
        model::Nesting::Single => n.max_items(1),
        model::Nesting::Map => n,
    }
}

/// The 1.0 nested attribute of a model block: a single object or a map of
/// objects keyed by a name the user chooses.
fn model_attribute(b: &dyn Described) -> Attribute {
    let mut attrs: Vec<Attribute> = b.fields().iter().map(field_attribute).collect();
    attrs.extend(b.blocks().iter().map(|c| model_attribute(*c)));
    let a = match b.nesting() {
        model::Nesting::Single => Attribute::nested_single(b.name(), attrs),
        model::Nesting::Map => Attribute::nested_map(b.name(), attrs),
    };
    a.describe(b.description())
}

/// The value the plan fills in for an attribute of the block `block` (the
/// type name of a nested block) that the configuration leaves out, where the
/// model documents a default AWS would not apply by itself
/// ([`scaling::model::DefaultUse::Planned`]): apply sends it, state records
/// what AWS reports, and a different value on AWS is drift.
pub fn planned_default(block: &str, attr: &str) -> Option<Value> {
    default_value(described(block)?.field(attr)?.planned_default()?)
}

/// The model's block whose internal name (its location, `""` for the
/// resource) is `block`.
fn described(block: &str) -> Option<&'static (dyn model::Described + Sync)> {
    model::all_blocks()
        .into_iter()
        .find(|(_, b)| b.location() == block)
        .map(|(_, b)| b)
}

/// The attributes of the model's block `block` (see [`described`]).
pub fn model_fields(block: &str) -> Vec<model::FieldInfo> {
    described(block).map(|b| b.fields()).unwrap_or_default()
}

/// A model default as a Terraform value.
pub fn default_value(d: DefaultValue) -> Option<Value> {
    Some(match d {
        DefaultValue::Bool(b) => Value::Bool(b),
        DefaultValue::Int(i) => Value::int(i),
        DefaultValue::Number(n) => Value::float(n),
        DefaultValue::Str(s) => Value::String(s.to_string()),
        DefaultValue::Ints(v) => Value::List(v.iter().map(|i| Value::int(*i)).collect()),
    })
}

/// The type of the computed `capacity` attribute.
pub fn capacity_type() -> Type {
    Type::object([
        ("origin_rps", Type::Number),
        ("required_concurrency", Type::Number),
        ("max_sustainable_rps", Type::Number),
        ("bottleneck", Type::String),
        ("headroom", Type::Number),
    ])
}

/// The resource's own attributes that are not the model's: the analysis
/// the plan computes.
fn analysis_attributes() -> Vec<Attribute> {
    vec![
        Attribute::computed("capacity", capacity_type()).describe("Capacity analysis of the traffic model against the profile: origin requests per second after the cache, Lambda concurrency needed (Little's law), the highest sustainable rate of the whole chain, its bottleneck, and headroom (sustainable ÷ target)."),
        Attribute::computed("estimated_monthly_cost_usd", Type::Number).describe("Estimated monthly cost of the traffic model, from the dated price table."),
        Attribute::computed("cost_breakdown", Type::map(Type::Number)).describe("The monthly cost estimate per service, in US dollars."),
    ]
}

/// `acknowledge`: findings the team accepts, rule id to reason.
fn acknowledge_attribute() -> Attribute {
    Attribute::optional(scaling::acknowledge::ATTRIBUTE, Type::map(Type::String)).describe(
        "Findings the team accepts, on the record: rule id to the reason, e.g. `{ CAP004 = \"stage quota increase approved, OPS-42\" }`. An acknowledged error becomes a warning and an acknowledged warning becomes info, each carrying the reason, in every plan; `smuppy-validate` honours the same attribute. An id that names no rule is an error (ACK001), an empty reason a warning (ACK002). The rules are listed in `docs/rules.md` and by `smuppy-validate --list-rules`.",
    )
}

/// The name of the `timeouts` block and its operations.
pub const TIMEOUTS: &str = "timeouts";
pub const TIMEOUT_OPERATIONS: [&str; 3] = ["create", "update", "delete"];

fn timeouts_block() -> NestedBlock {
    let mut b = Block::new("How long an operation waits for asynchronous AWS work (provisioned concurrency allocation, table and function updates) before failing, as Terraform's `timeouts` blocks.");
    for op in TIMEOUT_OPERATIONS {
        b = b.attr(Attribute::optional(op, Type::String).describe(&format!(
            "How long {op} waits, as a duration string of numbers with units `h`, `m`, `s` (also `ms`, `us`, `ns`), e.g. `\"30m\"`. Default `{}s`.",
            scaling_aws::run::DEFAULT_WAIT.as_secs()
        )));
    }
    NestedBlock::new(TIMEOUTS, Nesting::Single, b)
}

/// The schema of `smuppy_scaling_profile` (1.0): single objects and keyed
/// maps as protocol-6 nested attributes, and a `timeouts` block.
pub fn resource_schema() -> Schema {
    let mut block = Block::new(model::RESOURCE.description());
    for f in model::RESOURCE.fields() {
        block = block.attr(field_attribute(&f));
    }
    for a in analysis_attributes() {
        block = block.attr(a);
    }
    block = block.attr(acknowledge_attribute());
    for b in model::RESOURCE.blocks() {
        block = block.attr(model_attribute(*b));
    }
    Schema {
        version: RESOURCE_SCHEMA_VERSION,
        block: block.block(timeouts_block()),
    }
}

/// The shape the resource's verbs work on (see [`crate::shape`]): every
/// model block as a list block under its location name, as the rule
/// engine's and the AWS side's locations address it.
pub fn internal_schema() -> Schema {
    let mut block = Block::new(model::RESOURCE.description());
    for f in model::RESOURCE.fields() {
        block = block.attr(field_attribute(&f));
    }
    for a in analysis_attributes() {
        block = block.attr(a);
    }
    block = block.attr(acknowledge_attribute());
    for b in model::RESOURCE.blocks() {
        block = block.block(model_nested(*b));
    }
    Schema {
        version: RESOURCE_SCHEMA_VERSION,
        block,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaling::AutoScaling;

    fn all_described(block: &Block, path: &str, missing: &mut Vec<String>) {
        for a in &block.attributes {
            if a.description.trim().is_empty() {
                missing.push(format!("{path}{}", a.name));
            }
        }
        for b in &block.blocks {
            if b.block.description.trim().is_empty() {
                missing.push(format!("{path}{}", b.type_name));
            }
            all_described(&b.block, &format!("{path}{}.", b.type_name), missing);
        }
    }

    #[test]
    fn every_attribute_and_block_is_described() {
        let mut missing = Vec::new();
        all_described(&resource_schema().block, "", &mut missing);
        all_described(&provider_schema().block, "provider.", &mut missing);
        assert!(missing.is_empty(), "undescribed: {missing:?}");
    }

    fn check_field(f: &FieldInfo, a: &Attribute, at: &str) {
        let mode = (a.required, a.optional, a.computed);
        let want = match f.mode {
            Mode::Required => (true, false, false),
            Mode::Optional => (false, true, false),
            Mode::Computed => (false, false, true),
            Mode::OptionalComputed => (false, true, true),
        };
        assert_eq!(mode, want, "{at}{}", f.name);
        assert_eq!(a.ty, field_type(f.kind), "{at}{}", f.name);
        assert_eq!(a.description, f.description(), "{at}{}", f.name);
    }

    /// Every attribute of the model is in the 1.0 schema with its mode, type
    /// and description; every block is a nested attribute of its nesting
    /// (single object or map), optional, described.
    #[test]
    fn the_schema_is_the_model() {
        fn walk(m: &dyn Described, attrs: &[Attribute], at: &str) {
            for f in m.fields() {
                let a = attrs
                    .iter()
                    .find(|a| a.name == f.name)
                    .unwrap_or_else(|| panic!("{at}{} missing", f.name));
                check_field(&f, a, at);
            }
            for c in m.blocks() {
                let a = attrs
                    .iter()
                    .find(|a| a.name == c.name())
                    .unwrap_or_else(|| panic!("{at}{} missing", c.name()));
                assert_eq!(a.description, c.description());
                assert!(a.optional && !a.required && !a.computed, "{at}{}", c.name());
                let n = a.nested.as_ref().expect("a nested attribute");
                let want = match c.nesting() {
                    model::Nesting::Single => tfplugin::ObjectNesting::Single,
                    model::Nesting::Map => tfplugin::ObjectNesting::Map,
                };
                assert_eq!(n.nesting, want, "{at}{}", c.name());
                assert_eq!(n.attributes.len(), c.fields().len() + c.blocks().len());
                walk(*c, &n.attributes, &format!("{at}{}.", c.name()));
            }
        }
        let s = resource_schema();
        assert_eq!(s.version, 1);
        walk(&model::RESOURCE, &s.block.attributes, "");
        let own = model::RESOURCE.fields().len() + model::RESOURCE.blocks().len();
        // Beside the model: the analysis outputs and `acknowledge`.
        assert_eq!(
            s.block.attributes.len(),
            own + analysis_attributes().len() + 1
        );
        assert!(s
            .block
            .attribute(scaling::acknowledge::ATTRIBUTE)
            .is_some_and(|a| a.optional && a.ty == Type::map(Type::String)));
        // The one block left: timeouts, single.
        assert_eq!(s.block.blocks.len(), 1);
        assert_eq!(s.block.blocks[0].type_name, TIMEOUTS);
        assert_eq!(s.block.blocks[0].nesting, Nesting::Single);
        let names: Vec<&str> = s.block.blocks[0]
            .block
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, TIMEOUT_OPERATIONS);
    }

    /// The verbs' shape has the same attributes, blocks as lists under their
    /// location names.
    #[test]
    fn the_internal_schema_is_the_model_in_lists() {
        fn walk(m: &dyn Described, b: &Block, at: &str) {
            for f in m.fields() {
                check_field(&f, b.attribute(f.name).expect("attribute"), at);
            }
            for c in m.blocks() {
                let n = b
                    .nested(c.location())
                    .unwrap_or_else(|| panic!("{at}{} missing", c.location()));
                assert_eq!(n.nesting, Nesting::List);
                assert_eq!(n.max_items == 1, c.nesting() == model::Nesting::Single);
                walk(*c, &n.block, &format!("{at}{}.", c.location()));
            }
        }
        walk(&model::RESOURCE, &internal_schema().block, "");
    }

    #[test]
    fn planned_defaults_come_from_the_model() {
        assert_eq!(
            planned_default("read", "scale_in_cooldown"),
            Some(Value::int(AutoScaling::DEFAULT_COOLDOWN_SECONDS))
        );
        assert_eq!(
            planned_default("write", "target_utilization"),
            Some(Value::float(AutoScaling::DEFAULT_TARGET_UTILIZATION))
        );
        // A default only the profile takes is not planned.
        assert_eq!(planned_default("global_accelerator", "protocol"), None);
        assert_eq!(planned_default("lambda", "memory_size"), None);
    }

    #[test]
    fn attribute_flags_are_consistent() {
        fn check(block: &Block) {
            for a in &block.attributes {
                assert!(
                    a.required || a.optional || a.computed,
                    "{} has no mode",
                    a.name
                );
                assert!(!(a.required && a.computed), "{} required+computed", a.name);
            }
            for b in &block.blocks {
                check(&b.block);
            }
        }
        check(&resource_schema().block);
        check(&provider_schema().block);
    }
}

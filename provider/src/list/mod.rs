//! The list resource `smuppy_scaling_profile` (`terraform query`): one
//! proposed profile per REST API stage, Lambda function and DynamoDB table
//! of the account, each named by the resource's identity so that Terraform
//! can import it.
//!
//! A listed profile manages one thing: a stage (`api_gateway`, named
//! `API_NAME-STAGE_NAME`, the API's id when it has no name), a function
//! (`lambda_pools`, named `function-NAME`) or a table (`dynamodb_tables`,
//! named `table-NAME`); profiles are merged by hand afterwards. Its identity
//! and, when Terraform asks for it, its resource object come from the
//! resource's own import (by an import ID such as
//! `name=…;api_gateway=ID/STAGE`) and the read that follows an import: what
//! `terraform query -generate-config-out` writes is what importing it would
//! hold, today's settings included, so applying it changes nothing in AWS.
//!
//! Config: `rest_api_id` (optional) lists the stages of that API only;
//! `name_prefix` (optional) keeps what is named with it (an API's name, a
//! function's, a table's). A failed AWS read is an error diagnostic naming
//! the call, AWS's error code and the IAM action.

use std::sync::Arc;

use scaling_aws::discovery::{list_functions, list_stages, list_tables, ListedStage};
use tfplugin::{
    Attribute, AttributePath, Block, Diagnostics, ListResource, Listed, ReadRequest, Resource,
    Schema, Type, Value,
};

use crate::provider::Configured;
use crate::resource::ScalingProfile;
use crate::schema::RESOURCE_TYPE;

/// The list resource's type name: the resource type it finds.
pub const TYPE_NAME: &str = RESOURCE_TYPE;

/// The config schema (also used by the docs).
pub fn schema() -> Schema {
    Schema {
        version: 0,
        block: Block::new(
            "Finds the REST API stages, Lambda functions and DynamoDB tables of the \
             account and proposes, for each, a `smuppy_scaling_profile` managing it, \
             holding its settings as AWS reports them. `terraform query \
             -generate-config-out=FILE` writes the profiles with their `import` blocks.",
        )
        .attr(Attribute::optional("rest_api_id", Type::String).describe(
            "List the stages of this REST API only, and no function or table (everything when not set).",
        ))
        .attr(Attribute::optional("name_prefix", Type::String).describe(
            "Keep only the stages of REST APIs, the functions and the tables whose name starts with this.",
        )),
    }
}

pub struct ProfileList {
    configured: Arc<Configured>,
    profile: Arc<ScalingProfile>,
}

impl ProfileList {
    pub fn new(configured: Arc<Configured>, profile: Arc<ScalingProfile>) -> Self {
        ProfileList {
            configured,
            profile,
        }
    }
}

/// Something the account has that a profile could manage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Stage(ListedStage),
    Function(String),
    Table(String),
}

/// The profile name proposed for a stage (no `;`: the import ID's
/// separator).
pub fn profile_name(stage: &ListedStage) -> String {
    let api = if stage.api_name.trim().is_empty() {
        &stage.rest_api_id
    } else {
        &stage.api_name
    };
    format!("{api}-{}", stage.stage_name).replace(';', "-")
}

impl Found {
    /// The name of the profile proposed for it.
    pub fn profile_name(&self) -> String {
        match self {
            Found::Stage(s) => profile_name(s),
            Found::Function(f) => format!("function-{f}"),
            Found::Table(t) => format!("table-{t}"),
        }
    }

    /// The import ID of that profile.
    fn import_id(&self) -> String {
        let name = self.profile_name();
        match self {
            Found::Stage(s) => {
                format!("name={name};api_gateway={}/{}", s.rest_api_id, s.stage_name)
            }
            Found::Function(f) => format!("name={name};lambda={f}"),
            Found::Table(t) => format!("name={name};dynamodb={t}"),
        }
    }

    fn display_name(&self) -> String {
        let name = self.profile_name();
        match self {
            Found::Stage(s) => format!(
                "{name} (stage {} of REST API {})",
                s.stage_name, s.rest_api_id
            ),
            Found::Function(f) => format!("{name} (Lambda function {f})"),
            Found::Table(t) => format!("{name} (DynamoDB table {t})"),
        }
    }
}

/// What `config` asks to list, read from AWS; an error diagnostic (and
/// nothing) when a read fails.
async fn discover(aws: &scaling_aws::Aws, config: &Value, diags: &mut Diagnostics) -> Vec<Found> {
    let api = config.get("rest_api_id").and_then(Value::as_str);
    let prefix = config
        .get("name_prefix")
        .and_then(Value::as_str)
        .unwrap_or("");
    let failed = |diags: &mut Diagnostics, what: &str, e: scaling_aws::AwsError, action: &str| {
        diags.error(
            format!("Cannot list the {what}"),
            format!("{e} (IAM action {action})."),
        );
        Vec::new()
    };
    let mut out: Vec<Found> = match list_stages(aws, api).await {
        Ok(s) => s
            .into_iter()
            .filter(|s| s.api_name.starts_with(prefix))
            .map(Found::Stage)
            .collect(),
        Err(e) => return failed(diags, "REST API stages", e, "apigateway:GET"),
    };
    if api.is_some() {
        return out;
    }
    match list_functions(aws).await {
        Ok(f) => out.extend(
            f.into_iter()
                .filter(|f| f.starts_with(prefix))
                .map(Found::Function),
        ),
        Err(e) => return failed(diags, "Lambda functions", e, "lambda:ListFunctions"),
    }
    match list_tables(aws).await {
        Ok(t) => out.extend(
            t.into_iter()
                .filter(|t| t.starts_with(prefix))
                .map(Found::Table),
        ),
        Err(e) => return failed(diags, "DynamoDB tables", e, "dynamodb:ListTables"),
    }
    out
}

#[async_trait::async_trait]
impl ListResource for ProfileList {
    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(id) = config.get("rest_api_id").and_then(Value::as_str) {
            // The resource's check, so both accept the same ids.
            if let Err(e) = scaling::ids::rest_api_id(id) {
                diags.attribute_error(AttributePath::attr("rest_api_id"), "Invalid rest_api_id", e);
            }
        }
    }

    async fn list(
        &self,
        config: Value,
        include_object: bool,
        limit: i64,
        diags: &mut Diagnostics,
    ) -> Vec<Listed> {
        let Some(aws) = self.configured.aws(diags) else {
            return Vec::new();
        };
        let mut found = discover(&aws, &config, diags).await;
        if limit > 0 {
            found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        let mut out = Vec::new();
        for thing in &found {
            let imported = self
                .profile
                .import(&thing.import_id(), diags)
                .await
                .into_iter()
                .next();
            let Some(imported) = imported else { continue };
            let Some(identity) = imported.identity.clone() else {
                continue;
            };
            let object = if include_object {
                let read = self
                    .profile
                    .read(
                        ReadRequest {
                            type_name: TYPE_NAME.to_string(),
                            current_state: imported.state,
                            private: imported.private,
                            identity: Some(identity.clone()),
                        },
                        diags,
                    )
                    .await;
                Some(read.new_state).filter(|s| !s.is_null())
            } else {
                None
            };
            out.push(Listed {
                identity,
                display_name: thing.display_name(),
                object,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(api_name: &str, stage_name: &str) -> ListedStage {
        ListedStage {
            rest_api_id: "bmkd8zayee".into(),
            api_name: api_name.into(),
            stage_name: stage_name.into(),
        }
    }

    #[test]
    fn a_listed_profile_is_named_after_its_api_and_stage() {
        assert_eq!(profile_name(&stage("feeds", "prod")), "feeds-prod");
        // No name: the API's id; a `;` would cut the import ID short.
        assert_eq!(profile_name(&stage(" ", "prod")), "bmkd8zayee-prod");
        assert_eq!(profile_name(&stage("a;b", "prod")), "a-b-prod");
        assert_eq!(
            Found::Stage(stage("feeds", "prod")).import_id(),
            "name=feeds-prod;api_gateway=bmkd8zayee/prod"
        );
        let parsed =
            crate::resource::import_id::parse(&Found::Stage(stage("a;b", "s")).import_id())
                .expect("the import ID parses");
        assert_eq!(parsed.name, "a-b-s");
        // A function and a table: a profile each, by an import ID that parses.
        for (found, name) in [
            (Found::Function("feeds-api".into()), "function-feeds-api"),
            (Found::Table("feeds.v2".into()), "table-feeds.v2"),
        ] {
            let parsed = crate::resource::import_id::parse(&found.import_id())
                .expect("the import ID parses");
            assert_eq!(parsed.name, name);
            assert_eq!(parsed.lambdas.len() + parsed.tables.len(), 1, "{parsed:?}");
        }
    }

    #[test]
    fn a_bad_rest_api_id_is_an_error_on_it() {
        let list = ProfileList::new(
            Arc::new(Configured::default()),
            Arc::new(ScalingProfile::new(Arc::new(Configured::default()))),
        );
        // The resource's check (scaling::ids::rest_api_id): letters and
        // digits, 1 to 128.
        let long = "a".repeat(129);
        for (id, bad) in [
            ("bmkd8zayee", false),
            ("a/b", true),
            ("", true),
            ("bmkd 8zayee", true),
            ("bmkd8zayee?x=1", true),
            (long.as_str(), true),
        ] {
            let config = Value::Object([("rest_api_id".to_string(), Value::string(id))].into());
            let mut diags = Diagnostics::new();
            list.validate(&config, &mut diags);
            assert_eq!(diags.has_errors(), bad, "{id}");
            if bad {
                let text = format!("{diags:?}");
                assert!(text.contains("rest_api_id"), "{id}: {text}");
            }
        }
        let mut diags = Diagnostics::new();
        list.validate(
            &Value::Object([("rest_api_id".to_string(), Value::unknown())].into()),
            &mut diags,
        );
        assert!(diags.is_empty());
    }
}

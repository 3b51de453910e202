//! The list resource `smuppy_scaling_profile` (`terraform query`): one
//! proposed profile per REST API stage of the account, each named by the
//! resource's identity so that Terraform can import it.
//!
//! A listed profile manages the stage only (`api_gateway`); its name is
//! `API_NAME-STAGE_NAME` (the API's id when it has no name). Its identity
//! and, when Terraform asks for it, its resource object come from the
//! resource's own import (by the import ID `name=…;api_gateway=ID/STAGE`)
//! and the read that follows an import: what `terraform query
//! -generate-config-out` writes is what importing the stage would hold,
//! today's settings included, so applying it changes nothing in AWS.
//!
//! Config: `rest_api_id` (optional), to list the stages of one API only.
//! A failed AWS read is an error diagnostic naming the call, AWS's error
//! code and the IAM action.

use std::sync::Arc;

use scaling_aws::discovery::{list_stages, ListedStage};
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
            "Finds the REST API stages of the account and proposes, for each, a \
             `smuppy_scaling_profile` managing that stage, holding its settings as \
             AWS reports them. `terraform query -generate-config-out=FILE` writes \
             the profiles with their `import` blocks.",
        )
        .attr(
            Attribute::optional("rest_api_id", Type::String)
                .describe("List the stages of this REST API only (all REST APIs when not set)."),
        ),
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

/// The import ID naming a stage's profile.
fn import_id(stage: &ListedStage) -> String {
    format!(
        "name={};api_gateway={}/{}",
        profile_name(stage),
        stage.rest_api_id,
        stage.stage_name
    )
}

#[async_trait::async_trait]
impl ListResource for ProfileList {
    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(id) = config.get("rest_api_id").and_then(Value::as_str) {
            if id.is_empty() || id.contains('/') || id.contains(';') {
                diags.attribute_error(
                    AttributePath::attr("rest_api_id"),
                    "Invalid rest_api_id",
                    format!("{id:?} is not a REST API id (e.g. \"bmkd8zayee\")."),
                );
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
        let api = config.get("rest_api_id").and_then(Value::as_str);
        let mut stages = match list_stages(&aws, api).await {
            Ok(s) => s,
            Err(e) => {
                diags.error(
                    "Cannot list the REST API stages",
                    format!("{e} (IAM action apigateway:GET)."),
                );
                return Vec::new();
            }
        };
        if limit > 0 {
            stages.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        let mut out = Vec::new();
        for stage in &stages {
            let imported = self
                .profile
                .import(&import_id(stage), diags)
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
                display_name: format!(
                    "{} (stage {} of REST API {})",
                    profile_name(stage),
                    stage.stage_name,
                    stage.rest_api_id
                ),
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
            import_id(&stage("feeds", "prod")),
            "name=feeds-prod;api_gateway=bmkd8zayee/prod"
        );
        let parsed = crate::resource::import_id::parse(&import_id(&stage("a;b", "s")))
            .expect("the import ID parses");
        assert_eq!(parsed.name, "a-b-s");
    }

    #[test]
    fn a_bad_rest_api_id_is_an_error_on_it() {
        let list = ProfileList::new(
            Arc::new(Configured::default()),
            Arc::new(ScalingProfile::new(Arc::new(Configured::default()))),
        );
        for (id, bad) in [("bmkd8zayee", false), ("a/b", true), ("", true)] {
            let config = Value::Object([("rest_api_id".to_string(), Value::string(id))].into());
            let mut diags = Diagnostics::new();
            list.validate(&config, &mut diags);
            assert_eq!(diags.has_errors(), bad, "{id}");
        }
        let mut diags = Diagnostics::new();
        list.validate(
            &Value::Object([("rest_api_id".to_string(), Value::unknown())].into()),
            &mut diags,
        );
        assert!(diags.is_empty());
    }
}

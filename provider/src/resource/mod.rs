//! `smuppy_scaling_profile`: one file per verb (validate, plan, apply,
//! read, import); this file wires them to the protocol-free traits.

pub mod apply;
pub mod claims;
pub mod identity;
pub mod import;
pub mod import_id;
pub mod parts;
pub mod plan;
pub mod read;
pub mod timeouts;
pub mod upgrade;
pub mod validate;

use std::sync::Arc;

use tfplugin::{
    ApplyRequest, ApplyResponse, AttributePath, Block, Diagnostics, IdentitySchema,
    ImportedResource, PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
    Value,
};

use crate::provider::Configured;
use crate::schema;
use crate::shape::{self, Shapes};

pub struct ScalingProfile {
    configured: Arc<Configured>,
    claims: claims::Claims,
}

impl ScalingProfile {
    pub fn new(configured: Arc<Configured>) -> Self {
        ScalingProfile {
            configured,
            claims: claims::Claims::default(),
        }
    }
}

/// An object of `block` with every attribute null and every nested block
/// list empty: the skeleton Terraform expects every key of.
pub fn empty_object(block: &Block) -> Value {
    let mut m = std::collections::BTreeMap::new();
    for a in &block.attributes {
        m.insert(a.name.clone(), Value::Null);
    }
    for b in &block.blocks {
        m.insert(b.type_name.clone(), Value::List(Vec::new()));
    }
    Value::Object(m)
}

impl ScalingProfile {
    /// The account and region the provider works in, when it can tell.
    async fn account_and_region(&self) -> (Option<String>, Option<String>) {
        let Some(aws) = self.configured.aws(&mut Diagnostics::new()) else {
            return (None, self.configured.region());
        };
        let account = aws.caller_account().await.ok();
        (account, Some(aws.region().to_string()))
    }

    /// The identity to hand back: the prior one, unchanged, when there is
    /// one (Terraform refuses an identity that changes); else the one of
    /// `state` (create, import, a state written before identities).
    async fn keep_identity(&self, prior: Option<Value>, state: &Value) -> Option<Value> {
        if let Some(p) = prior.filter(|p| !p.is_null()) {
            return Some(p);
        }
        if state.is_null() {
            return None;
        }
        let (account, region) = self.account_and_region().await;
        Some(identity::from_state(
            state,
            account.as_deref(),
            region.as_deref(),
        ))
    }
}

/// Runs a verb on the verbs' shape: its diagnostics come back with the
/// paths Terraform knows (map keys, single objects).
fn in_shape<T>(
    shapes: &Shapes,
    diags: &mut Diagnostics,
    f: impl FnOnce(&mut Diagnostics) -> T,
) -> T {
    let mut inner = Diagnostics::new();
    let out = f(&mut inner);
    diags.extend(shape::diags_from_lists(inner, shapes));
    out
}

#[async_trait::async_trait]
impl Resource for ScalingProfile {
    fn schema(&self) -> Schema {
        schema::resource_schema()
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(identity::schema())
    }

    fn schema_for_version(&self, version: i64) -> Option<Schema> {
        upgrade::schema_for_version(version)
    }

    fn upgrade_state(&self, version: i64, state: Value, diags: &mut Diagnostics) -> Value {
        upgrade::upgrade_state(version, state, diags)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let (cfg, shapes) = shape::to_lists(config);
        in_shape(&shapes, diags, |d| {
            validate::validate_config(&cfg, &shapes, d)
        });
        timeouts::validate(config, diags);
    }

    async fn read(&self, req: ReadRequest, diags: &mut Diagnostics) -> ReadResponse {
        let (current, shapes) = shape::to_lists(&req.current_state);
        let prior_identity = req.identity.clone();
        let inner = ReadRequest {
            current_state: current,
            ..req
        };
        let mut d = Diagnostics::new();
        let resp = read::read(&self.configured, inner, &mut d).await;
        diags.extend(shape::diags_from_lists(d, &shapes));
        let new_state = shape::from_lists(&resp.new_state, &shapes);
        let identity = self.keep_identity(prior_identity, &new_state).await;
        ReadResponse {
            new_state,
            identity,
            ..resp
        }
    }

    async fn plan(&self, req: PlanRequest, diags: &mut Diagnostics) -> PlanResponse {
        let region = self.configured.region();
        // Entries are matched to their prior state by key, so removing or
        // adding one leaves every other entry as it was.
        let (proposed, shapes) = shape::to_lists(&req.proposed_new_state);
        let config = shape::to_lists_as(&req.config, &shapes);
        let prior = shape::to_lists_as(&req.prior_state, &shapes);
        if let Some(name) = req
            .config
            .get(scaling::model::names::NAME)
            .and_then(Value::as_str)
        {
            in_shape(&shapes, diags, |d| self.claims.claim(name, &config, d));
        }
        let limits = if req.proposed_new_state.is_null() {
            scaling::Limits::default()
        } else {
            self.configured.limits(diags).await
        };
        let options = self.configured.options();
        let planned = in_shape(&shapes, diags, |d| {
            plan::plan(
                &config,
                &proposed,
                &prior,
                region.as_deref(),
                &limits,
                &options,
                d,
            )
        });
        let planned_state = shape::from_lists(&planned, &shapes);
        // Terraform cannot store a planned identity with unknowns (its
        // JSON plan refuses them): a create whose ids AWS has yet to give
        // plans none, and apply gives the identity of the state reached.
        // Such a plan asks STS nothing.
        let unknown_parts = req.identity.as_ref().is_none_or(Value::is_null)
            && identity::has_unknown(&identity::from_state(&planned_state, None, None));
        let identity = if unknown_parts {
            None
        } else {
            self.keep_identity(req.identity.clone(), &planned_state)
                .await
                .filter(|i| !identity::has_unknown(i))
        };
        PlanResponse {
            planned_state,
            requires_replace: Vec::new(),
            planned_private: req.prior_private,
            identity,
        }
    }

    async fn apply(&self, req: ApplyRequest, diags: &mut Diagnostics) -> ApplyResponse {
        let (op, value) = if req.planned_state.is_null() {
            ("delete", &req.prior_state)
        } else if req.prior_state.is_null() {
            ("create", &req.planned_state)
        } else {
            ("update", &req.planned_state)
        };
        let wait = timeouts::wait(value, op);
        let (planned, pshapes) = shape::to_lists(&req.planned_state);
        let (prior, prior_shapes) = shape::to_lists(&req.prior_state);
        let shapes = if req.planned_state.is_null() {
            prior_shapes
        } else {
            pshapes
        };
        let inner = ApplyRequest {
            planned_state: planned,
            prior_state: prior.clone(),
            config: shape::to_lists_as(&req.config, &shapes),
            ..req.clone()
        };
        let mut d = Diagnostics::new();
        let resp = apply::apply(&self.configured, inner, wait, &mut d).await;
        diags.extend(shape::diags_from_lists(d, &shapes));
        // Nothing done: the prior state as Terraform sent it.
        let new_state = if !prior.is_null() && resp.new_state == prior {
            req.prior_state
        } else {
            shape::from_lists(&resp.new_state, &shapes)
        };
        // A create's planned identity may hold unknowns (ids AWS gives):
        // the identity is then the one of the state reached.
        let planned_identity = req.identity.clone().filter(|i| !identity::has_unknown(i));
        let identity = self.keep_identity(planned_identity, &new_state).await;
        ApplyResponse {
            new_state,
            identity,
            ..resp
        }
    }

    async fn import(&self, id: &str, diags: &mut Diagnostics) -> Vec<ImportedResource> {
        let mut out = import::import(id, diags);
        for r in &mut out {
            r.identity = self.keep_identity(None, &r.state).await;
        }
        out
    }

    async fn import_by_identity(
        &self,
        given: Value,
        diags: &mut Diagnostics,
    ) -> Vec<ImportedResource> {
        let id = match identity::to_import_id(&given) {
            Ok(id) => id,
            Err(why) => {
                diags.error("Invalid import identity", why);
                return Vec::new();
            }
        };
        let (account, region) = self.account_and_region().await;
        for (attr, ours) in [("account_id", &account), ("region", &region)] {
            let theirs = given.get(attr).and_then(Value::as_str);
            if let (Some(t), Some(o)) = (theirs, ours.as_deref()) {
                if t != o {
                    diags.attribute_error(
                        AttributePath::attr(attr),
                        "Import identity names another place",
                        format!("The identity's {attr} is {t:?}, but the provider works in {o:?}."),
                    );
                    return Vec::new();
                }
            }
        }
        self.import(&id, diags).await
    }
}

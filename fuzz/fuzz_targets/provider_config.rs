//! The provider's handling of a resource configuration, as Terraform sends it:
//! decoded (JSON or msgpack) against the resource schema, with unknowns
//! sprinkled in, then, in the verbs' shape (the 1.0 maps and single objects
//! as the components' lists, `shape::to_lists`), ValidateResourceConfig,
//! the Value → Profile mapping, the plan-time analysis and
//! PlanResourceChange's planning, and the planned value back in the 1.0
//! shape.
//!
//! Input: byte 0 bit 0 picks the codec (0 JSON, 1 msgpack), bits 1-7 seed
//! the unknowns; the rest is the encoded configuration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_smuppy::{analysis, mapping, resource, schema, shape};
use tfplugin::value::{json, msgpack};
use tfplugin::{Diagnostics, Value};

fuzz_target!(|data: &[u8]| {
    let Some((&ctrl, payload)) = data.split_first() else {
        return;
    };
    let block = schema::resource_schema().block;
    let ty = block.implied_type();
    let decoded = if ctrl & 1 == 0 {
        json::decode(payload, &ty)
    } else {
        msgpack::decode(payload, &ty)
    };
    let Ok(mut config) = decoded else {
        return;
    };
    smuppy_fuzz::sprinkle_unknowns(&mut config, ctrl >> 1);

    let limits = scaling::Limits::default();
    let options = scaling::Options::default();
    let mut diags = Diagnostics::new();
    let (config, shapes) = shape::to_lists(&config);
    resource::validate::validate_config(&config, &shapes, &mut diags);

    let internal = schema::internal_schema().block;
    let profile = mapping::profile_from_value(&config, Some("us-east-1"));
    let _ = analysis::analyze(&profile, &limits, &options, &internal, &config, &mut diags);

    let planned = resource::plan::plan(
        &config,
        &config,
        &Value::Null,
        Some("us-east-1"),
        &limits,
        &options,
        &mut diags,
    );
    // What the provider plans must still be a value of the resource type,
    // once back in the 1.0 shape.
    if !planned.is_null() {
        let mut state = planned.clone();
        analysis::set_computed(&mut state, &limits, &internal, Some("us-east-1"));
        let public = shape::from_lists(&planned, &shapes);
        if let Err(e) = public.conform(&ty) {
            panic!("planned value does not fit the schema: {e}");
        }
    }
});

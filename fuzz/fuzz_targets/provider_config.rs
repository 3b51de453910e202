//! The provider's handling of a resource configuration, as Terraform sends it:
//! decoded (JSON or msgpack) against the resource schema, with unknowns
//! sprinkled in, then ValidateResourceConfig, the Value → Profile mapping,
//! the plan-time analysis and PlanResourceChange's planning.
//!
//! Input: byte 0 bit 0 picks the codec (0 JSON, 1 msgpack), bits 1-7 seed
//! the unknowns; the rest is the encoded configuration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_smuppy::{analysis, mapping, resource, schema};
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
    let mut diags = Diagnostics::new();
    resource::validate::validate_config(&config, &mut diags);

    let profile = mapping::profile_from_value(&config, Some("us-east-1"));
    let _ = analysis::analyze(&profile, &limits, &block, &config, &mut diags);

    let planned = resource::plan::plan(
        &config,
        &config,
        &Value::Null,
        Some("us-east-1"),
        &limits,
        &mut diags,
    );
    // What the provider plans must still be a value of the resource type.
    if !planned.is_null() {
        if let Err(e) = planned.conform(&ty) {
            panic!("planned value does not fit the schema: {e}");
        }
        let mut state = planned.clone();
        analysis::set_computed(&mut state, &limits, &block, Some("us-east-1"));
    }
});

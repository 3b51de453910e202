//! CallFunction: arguments decoded against their parameters, the function
//! called, its result encoded against the return type (see
//! [`crate::function`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::convert::{decode_dynamic, encode_dynamic, function_error_to_proto, function_to_proto};
use crate::function::{Function, FunctionDef, FunctionError};
use crate::proto::tfplugin6 as pb;

/// A function with its definition, computed once.
#[derive(Clone)]
pub(super) struct FunctionEntry {
    pub function: Arc<dyn Function>,
    pub def: FunctionDef,
}

/// The provider's functions with their definitions.
pub(super) fn entries(
    functions: BTreeMap<String, Arc<dyn Function>>,
) -> BTreeMap<String, FunctionEntry> {
    functions
        .into_iter()
        .map(|(name, function)| {
            let def = function.definition();
            (name, FunctionEntry { function, def })
        })
        .collect()
}

/// The functions as GetProviderSchema and GetFunctions describe them.
pub(super) fn protos(entries: &BTreeMap<String, FunctionEntry>) -> HashMap<String, pb::Function> {
    entries
        .iter()
        .map(|(name, f)| (name.clone(), function_to_proto(&f.def)))
        .collect()
}

/// The response to a call of `entry` (None: the provider has no function
/// called `name`).
pub(super) fn call(
    name: &str,
    entry: Option<&FunctionEntry>,
    arguments: &[pb::DynamicValue],
) -> pb::call_function::Response {
    match call_inner(name, entry, arguments) {
        Ok(result) => pb::call_function::Response {
            result: Some(result),
            error: None,
        },
        Err(e) => pb::call_function::Response {
            result: None,
            error: Some(function_error_to_proto(&e)),
        },
    }
}

fn call_inner(
    name: &str,
    entry: Option<&FunctionEntry>,
    arguments: &[pb::DynamicValue],
) -> Result<pb::DynamicValue, FunctionError> {
    let Some(entry) = entry else {
        return Err(FunctionError::new(format!(
            "This provider has no function named {name:?}."
        )));
    };
    let def = &entry.def;
    let fixed = def.parameters.len();
    if arguments.len() < fixed || (def.variadic.is_none() && arguments.len() > fixed) {
        let expected = if def.variadic.is_some() {
            format!("at least {fixed}")
        } else {
            fixed.to_string()
        };
        return Err(FunctionError::new(format!(
            "{name} takes {expected} argument{}, got {}.",
            if fixed == 1 { "" } else { "s" },
            arguments.len()
        )));
    }
    let mut args = Vec::with_capacity(arguments.len());
    for (i, dv) in arguments.iter().enumerate() {
        let Some(p) = def.parameter_for(i) else {
            return Err(FunctionError::argument(i, "unexpected argument"));
        };
        let v = decode_dynamic(Some(dv), &p.ty).map_err(|e| {
            FunctionError::argument(i, format!("{}: invalid value from Terraform: {e}", p.name))
        })?;
        args.push(v);
    }
    let result = entry.function.call(args)?;
    let conformed = result.conform(&def.return_type).map_err(|e| {
        FunctionError::new(format!(
            "the provider produced an invalid result for {name}: {e}. This is a bug in the provider."
        ))
    })?;
    encode_dynamic(&conformed, &def.return_type).map_err(|e| {
        FunctionError::new(format!(
            "the provider produced an invalid result for {name}: {e}. This is a bug in the provider."
        ))
    })
}

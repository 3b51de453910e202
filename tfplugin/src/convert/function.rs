//! Function definitions and errors as the protocol carries them.

use crate::function::{FunctionDef, FunctionError, Parameter};
use crate::proto::tfplugin6 as pb;
use crate::value;

/// A function as GetProviderSchema and GetFunctions report it: types as the
/// compact cty type JSON, descriptions as markdown.
pub fn function_to_proto(def: &FunctionDef) -> pb::Function {
    pb::Function {
        parameters: def.parameters.iter().map(parameter_to_proto).collect(),
        variadic_parameter: def.variadic.as_ref().map(parameter_to_proto),
        r#return: Some(pb::function::Return {
            r#type: value::json::type_to_json(&def.return_type).into_bytes(),
        }),
        summary: def.summary.clone(),
        description: def.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: def.deprecation_message.clone(),
    }
}

fn parameter_to_proto(p: &Parameter) -> pb::function::Parameter {
    pb::function::Parameter {
        name: p.name.clone(),
        r#type: value::json::type_to_json(&p.ty).into_bytes(),
        allow_null_value: p.allow_null,
        allow_unknown_values: p.allow_unknown,
        description: p.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
    }
}

pub fn function_error_to_proto(e: &FunctionError) -> pb::FunctionError {
    pb::FunctionError {
        text: e.text.clone(),
        function_argument: e.argument.map(|i| i as i64),
    }
}

//! Provider-defined functions (Terraform ≥ 1.8: `provider::NAME::FUNC(…)`).
//!
//! A provider lists its functions in [`crate::Provider::functions`]; the
//! server advertises them in GetProviderSchema (`functions`, which is where
//! Terraform reads them) and GetFunctions, and answers CallFunction:
//!
//! - each argument is decoded against its parameter's type (the variadic
//!   parameter's for those past the fixed ones); an argument that does not
//!   decode is a [`FunctionError`] on that argument, and the function is not
//!   called;
//! - a call with too few or too many arguments, or of a name the provider
//!   does not have, is a [`FunctionError`] without an argument;
//! - the result is encoded against the return type; one that does not fit
//!   is a [`FunctionError`] saying the provider has a bug;
//! - a panic in [`Function::call`] is a [`FunctionError`] too.
//!
//! Terraform itself refuses null arguments unless the parameter has
//! `allow_null`, and skips the call (the result is unknown) when an
//! argument is not wholly known unless the parameter has `allow_unknown`.

use crate::value::{Type, Value};

/// One positional parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Shown in Terraform's messages and the docs.
    pub name: String,
    pub ty: Type,
    /// Whether a null argument reaches the function (otherwise Terraform
    /// refuses it).
    pub allow_null: bool,
    /// Whether an argument that is not wholly known reaches the function
    /// (otherwise Terraform skips the call and the result is unknown).
    pub allow_unknown: bool,
    /// Markdown.
    pub description: String,
}

impl Parameter {
    /// A parameter that takes neither null nor unknown values.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Parameter {
            name: name.into(),
            ty,
            allow_null: false,
            allow_unknown: false,
            description: String::new(),
        }
    }

    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }
}

/// A function's signature and documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub parameters: Vec<Parameter>,
    /// Zero or more further arguments of this parameter's type.
    pub variadic: Option<Parameter>,
    pub return_type: Type,
    /// One line.
    pub summary: String,
    /// Markdown.
    pub description: String,
    /// Non-empty: the function is deprecated, and this says what to use.
    pub deprecation_message: String,
}

impl FunctionDef {
    pub fn new(return_type: Type, summary: impl Into<String>) -> Self {
        FunctionDef {
            parameters: Vec::new(),
            variadic: None,
            return_type,
            summary: summary.into(),
            description: String::new(),
            deprecation_message: String::new(),
        }
    }

    pub fn param(mut self, p: Parameter) -> Self {
        self.parameters.push(p);
        self
    }

    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The parameter argument `index` is matched to, if any.
    pub fn parameter_for(&self, index: usize) -> Option<&Parameter> {
        self.parameters.get(index).or(self.variadic.as_ref())
    }
}

/// Why a call failed. `argument` is the 0-based position of the argument at
/// fault, when one is; Terraform then points at that argument.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionError {
    pub text: String,
    pub argument: Option<usize>,
}

impl FunctionError {
    /// An error about the call as a whole.
    pub fn new(text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: None,
        }
    }

    /// An error about argument `index` (0-based).
    pub fn argument(index: usize, text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: Some(index),
        }
    }
}

impl std::fmt::Display for FunctionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.argument {
            Some(i) => write!(f, "argument {i}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

/// One function. `call` gets the arguments decoded against the parameter
/// types, one value per argument (variadic ones included, each on its own);
/// under a `dynamic` parameter type a known argument arrives as
/// [`Value::Dynamic`] with the type Terraform gave it.
pub trait Function: Send + Sync + 'static {
    fn definition(&self) -> FunctionDef;

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError>;
}

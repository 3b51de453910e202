//! Errors: one AWS call that failed ([`AwsError`]) and a component that
//! could not reach its desired state ([`ComponentError`]).

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::request_id::RequestId;
use scaling::Location;
use std::fmt;

/// One failed AWS call, with AWS's own error code, message and request id.
///
/// Built from SDK errors through [`AwsError::from_sdk`]; it never carries
/// credentials or request signatures, only what AWS answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AwsError {
    /// Short service name, e.g. `apigateway`.
    pub service: String,
    /// Operation name, e.g. `UpdateStage`.
    pub operation: String,
    /// AWS error code, e.g. `NotFoundException` (absent for transport errors).
    pub code: Option<String>,
    /// AWS's message, or the transport error's description.
    pub message: String,
    /// The `x-amzn-requestid` of the failed response, when there was one.
    pub request_id: Option<String>,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.service, self.operation)?;
        if let Some(code) = &self.code {
            write!(f, "{code}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl AwsError {
    /// Convert an SDK error. Service errors keep AWS's code and message;
    /// transport, timeout and construction errors keep the SDK's description
    /// (which names no credentials).
    pub fn from_sdk<E, R>(service: &str, operation: &str, err: SdkError<E, R>) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
        SdkError<E, R>: RequestId,
    {
        let request_id = err.request_id().map(str::to_string);
        let code = err.code().map(str::to_string);
        let message = match (&err, err.message()) {
            (SdkError::ServiceError(_), Some(m)) => m.to_string(),
            (SdkError::ServiceError(_), None) => code
                .clone()
                .map(|c| format!("AWS answered {c} without a message"))
                .unwrap_or_else(|| "AWS answered an error without a message".to_string()),
            _ => DisplayErrorContext(&err).to_string(),
        };
        AwsError {
            service: service.to_string(),
            operation: operation.to_string(),
            code,
            message,
            request_id,
        }
    }

    /// An error that is not an SDK error but belongs to one call (a missing
    /// field in a response, a wait that ran out of time).
    pub fn new(service: &str, operation: &str, message: impl Into<String>) -> AwsError {
        AwsError {
            service: service.to_string(),
            operation: operation.to_string(),
            code: None,
            message: message.into(),
            request_id: None,
        }
    }

    /// The message without the debug dump of the whole error chain the
    /// SDK's transport errors end with, e.g. ` (DispatchFailure(…))`: the
    /// readable causes only.
    pub fn concise_message(&self) -> &str {
        concise(&self.message)
    }

    /// True when AWS's code is one of `codes`.
    pub fn is(&self, codes: &[&str]) -> bool {
        self.code.as_deref().is_some_and(|c| codes.contains(&c))
    }
}

/// `message` up to the debug dump the SDK's transport and timeout errors
/// append after their readable causes (` (DispatchFailure(DispatchFailure {
/// source: … }))`).
pub fn concise(message: &str) -> &str {
    const DUMPS: [&str; 5] = [
        " (DispatchFailure(",
        " (TimeoutError(",
        " (ResponseError(",
        " (ConstructionFailure(",
        " (ServiceError(",
    ];
    let cut = DUMPS
        .iter()
        .filter_map(|d| message.find(d))
        .min()
        .unwrap_or(message.len());
    message[..cut].trim_end()
}

/// A read whose "not found" answers (`codes`) mean the thing is absent:
/// `Ok(None)` for those, the error for any other failure.
pub(crate) fn absent_if<T>(r: Result<T, AwsError>, codes: &[&str]) -> Result<Option<T>, AwsError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is(codes) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `map_err` helper: `.map_err(sdk("lambda", "GetAlias"))`.
pub(crate) fn sdk<E>(
    service: &'static str,
    operation: &'static str,
) -> impl FnOnce(SdkError<E, aws_smithy_runtime_api::http::Response>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    move |e| AwsError::from_sdk(service, operation, e)
}

/// What went wrong, behind a [`ComponentError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// An AWS call failed.
    Aws(AwsError),
    /// Something else: a precondition, a wait that timed out, a rule of AWS
    /// that the call would break.
    Message(String),
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Aws(e) => e.fmt(f),
            Cause::Message(m) => f.write_str(m),
        }
    }
}

/// A component that did not reach its desired (or prior) state, or a
/// warning about one. `location` points at the profile attribute, e.g.
/// `lambda[1].provisioned_concurrency`, so the provider can attach the
/// diagnostic to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {summary}: {error}")]
pub struct ComponentError {
    pub location: Location,
    /// One line, for the diagnostic's summary.
    pub summary: String,
    pub error: Cause,
}

impl ComponentError {
    pub fn aws(location: Location, summary: impl Into<String>, error: AwsError) -> Self {
        ComponentError {
            location,
            summary: summary.into(),
            error: Cause::Aws(error),
        }
    }

    pub fn message(
        location: Location,
        summary: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ComponentError {
            location,
            summary: summary.into(),
            error: Cause::Message(message.into()),
        }
    }

    /// One error per setting the read right after acknowledged writes still
    /// shows differing from what was written (`left`: attribute under `at`,
    /// what the read shows), so a write AWS acknowledged but did not apply
    /// fails naming the setting. `what` names the component ("table"),
    /// `subject` the resource written (its name or id).
    pub fn not_applied(
        at: &Location,
        what: &str,
        subject: &str,
        left: Vec<(&'static str, String)>,
    ) -> Vec<ComponentError> {
        left.into_iter()
            .map(|(attr, shows)| {
                ComponentError::message(
                    at.clone().then(attr),
                    format!("the {what} change was not applied"),
                    format!("the writes to {what} {subject:?} were acknowledged, but the read right after shows {shows}"),
                )
            })
            .collect()
    }
}

/// The settings a read after a write still shows differing from what was
/// written, as (attribute, `ATTR GOT (expected WANT)`): what
/// [`ComponentError::not_applied`] reports.
#[derive(Debug, Default)]
pub(crate) struct NotReached(Vec<(&'static str, String)>);

impl NotReached {
    /// Notes `attr` when the read shows `got` where `expected` was written.
    pub(crate) fn differs(&mut self, attr: &'static str, got: String, expected: String) {
        if got != expected {
            self.0
                .push((attr, format!("{attr} {got} (expected {expected})")));
        }
    }

    pub(crate) fn into_vec(self) -> Vec<(&'static str, String)> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_service_operation_code_message_and_request_id() {
        let e = AwsError {
            service: "apigateway".into(),
            operation: "UpdateStage".into(),
            code: Some("BadRequestException".into()),
            message: "Invalid method setting path".into(),
            request_id: Some("abc-123".into()),
        };
        assert_eq!(
            e.to_string(),
            "apigateway UpdateStage: BadRequestException: Invalid method setting path (request id abc-123)"
        );
        let bare = AwsError::new("lambda", "GetFunction", "timed out");
        assert_eq!(bare.to_string(), "lambda GetFunction: timed out");
        assert!(e.is(&["NotFoundException", "BadRequestException"]));
        assert!(!bare.is(&["BadRequestException"]));
    }

    #[test]
    fn from_sdk_keeps_code_message_and_request_id() {
        use aws_smithy_runtime_api::http::{Response, StatusCode};
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;
        let meta = ErrorMetadata::builder()
            .code("ResourceConflictException")
            .message("The operation cannot be performed at this time.")
            .build();
        let err = aws_sdk_lambda::operation::update_function_configuration::UpdateFunctionConfigurationError::generic(meta);
        let mut raw = Response::new(StatusCode::try_from(409).unwrap(), SdkBody::empty());
        raw.headers_mut().insert("x-amzn-requestid", "4f1c-req");
        let sdk = SdkError::service_error(err, raw);
        let e = AwsError::from_sdk("lambda", "UpdateFunctionConfiguration", sdk);
        assert_eq!(e.code.as_deref(), Some("ResourceConflictException"));
        assert_eq!(e.request_id.as_deref(), Some("4f1c-req"));
        assert_eq!(
            e.to_string(),
            "lambda UpdateFunctionConfiguration: ResourceConflictException: The operation cannot be performed at this time. (request id 4f1c-req)"
        );
    }

    #[test]
    fn component_error_names_its_location() {
        let err = ComponentError::message(
            Location::attr("lambda")
                .index(1)
                .then("provisioned_concurrency"),
            "provisioned concurrency did not become READY",
            "FAILED: not enough capacity",
        );
        assert_eq!(
            err.to_string(),
            "lambda[1].provisioned_concurrency: provisioned concurrency did not become READY: FAILED: not enough capacity"
        );
    }
}

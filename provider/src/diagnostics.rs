//! Component errors from the AWS side as diagnostics on the attribute they
//! concern, with AWS's code, message and request id.

use scaling_aws::ComponentError;
use tfplugin::{Block, Diagnostics};

use crate::mapping::location_to_path;

pub fn push_component(e: &ComponentError, schema: &Block, error: bool, diags: &mut Diagnostics) {
    let path = location_to_path(&e.location, schema);
    let detail = e.error.to_string();
    if error {
        diags.attribute_error(path, e.summary.clone(), detail);
    } else {
        diags.attribute_warning(path, e.summary.clone(), detail);
    }
}

//! Discovery: the REST API stages, Lambda functions and DynamoDB tables of
//! the account, for `terraform query` to propose a profile for each.
//! Read-only: GetRestApis (paged) or GetRestApi for one API, then GetStages
//! of each API; ListFunctions; ListTables.

use crate::services;
use crate::{Aws, AwsError};

const SERVICE: &str = "apigateway";
/// GetRestApis' largest page.
const PAGE: i32 = 500;

/// One REST API stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedStage {
    pub rest_api_id: String,
    /// The API's name, as AWS reports it (empty when it has none).
    pub api_name: String,
    pub stage_name: String,
}

/// The stages of every REST API of the account, or of `rest_api_id` only
/// (none when that API does not exist), sorted by API id and stage name.
pub async fn list_stages(
    aws: &Aws,
    rest_api_id: Option<&str>,
) -> Result<Vec<ListedStage>, AwsError> {
    let client = aws.apigateway();
    let mut apis: Vec<(String, String)> = Vec::new();
    if let Some(id) = rest_api_id {
        match client.get_rest_api().rest_api_id(id).send().await {
            Ok(api) => apis.push((id.to_string(), api.name().unwrap_or_default().to_string())),
            Err(e) => {
                let e = AwsError::from_sdk(SERVICE, "GetRestApi", e);
                if e.is(&["NotFoundException"]) {
                    return Ok(Vec::new());
                }
                return Err(e);
            }
        }
    } else {
        let mut position: Option<String> = None;
        loop {
            let page = client
                .get_rest_apis()
                .limit(PAGE)
                .set_position(position.clone())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(SERVICE, "GetRestApis", e))?;
            for api in page.items() {
                if let Some(id) = api.id() {
                    apis.push((id.to_string(), api.name().unwrap_or_default().to_string()));
                }
            }
            match page.position() {
                Some(p) if !p.is_empty() && Some(p) != position.as_deref() => {
                    position = Some(p.to_string())
                }
                _ => break,
            }
        }
    }
    let mut out = Vec::new();
    for (id, name) in apis {
        let stages = match client.get_stages().rest_api_id(&id).send().await {
            Ok(s) => s,
            Err(e) => {
                let e = AwsError::from_sdk(SERVICE, "GetStages", e);
                // Deleted between the two calls.
                if e.is(&["NotFoundException"]) {
                    continue;
                }
                return Err(e);
            }
        };
        for stage in stages.item() {
            if let Some(stage_name) = stage.stage_name() {
                out.push(ListedStage {
                    rest_api_id: id.clone(),
                    api_name: name.clone(),
                    stage_name: stage_name.to_string(),
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.rest_api_id, &a.stage_name).cmp(&(&b.rest_api_id, &b.stage_name)));
    Ok(out)
}

/// The names of the account's Lambda functions (ListFunctions, paged),
/// sorted.
pub async fn list_functions(aws: &Aws) -> Result<Vec<String>, AwsError> {
    let lam = aws.lambda();
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = lam
            .list_functions()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(services::LAMBDA, "ListFunctions", e))?;
        names.extend(
            page.functions()
                .iter()
                .filter_map(|f| f.function_name().map(str::to_string)),
        );
        match page.next_marker() {
            Some(m) if !m.is_empty() && Some(m) != marker.as_deref() => {
                marker = Some(m.to_string())
            }
            _ => break,
        }
    }
    names.sort();
    Ok(names)
}

/// The names of the account's DynamoDB tables in the region (ListTables,
/// paged), sorted.
pub async fn list_tables(aws: &Aws) -> Result<Vec<String>, AwsError> {
    let ddb = aws.dynamodb();
    let mut names = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let page = ddb
            .list_tables()
            .set_exclusive_start_table_name(start.clone())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(services::DYNAMODB, "ListTables", e))?;
        names.extend(page.table_names().iter().cloned());
        match page.last_evaluated_table_name() {
            Some(t) if !t.is_empty() && Some(t) != start.as_deref() => start = Some(t.to_string()),
            _ => break,
        }
    }
    names.sort();
    Ok(names)
}

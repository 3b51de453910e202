//! What only AWS reports of a block's element (ids, statuses, versions): the
//! typed side of the model's computed attributes. A front end fills these
//! from what it reads; the block's table names the attributes
//! ([`super::Block::observed`], [`super::Block::reported`]).

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuotaReported {
    pub applied_value: Option<f64>,
    pub request_id: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LambdaReported {
    pub qualifier_version: Option<String>,
    pub provisioned_status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CachePolicyReported {
    pub id: Option<String>,
    pub etag: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardReported {
    pub arn: Option<String>,
    pub body_in_sync: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcceleratorReported {
    pub arn: Option<String>,
    pub dns_name: Option<String>,
    pub ip_addresses: Vec<String>,
}

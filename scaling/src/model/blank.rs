//! The blank struct of each block: nothing set, what [`super::Block::read`]
//! fills.

use super::Blank;
use crate::profile::{
    Accelerator, AutoScaling, CachePolicy, Dashboard, LambdaPool, QuotaRequest, StageThrottle,
    TableCapacity,
};

impl Blank for QuotaRequest {
    fn blank() -> Self {
        QuotaRequest {
            service_code: String::new(),
            quota_code: String::new(),
            desired_value: None,
        }
    }
}

impl Blank for StageThrottle {
    fn blank() -> Self {
        StageThrottle {
            rest_api_id: None,
            stage_name: None,
            rate_limit: None,
            burst_limit: None,
            integration_timeout_ms: None,
            methods: Vec::new(),
        }
    }
}

impl Blank for LambdaPool {
    fn blank() -> Self {
        LambdaPool {
            function_name: String::new(),
            reserved_concurrency: None,
            provisioned_concurrency: None,
            qualifier: None,
            memory_size: None,
            timeout: None,
            publish_on_change: false,
        }
    }
}

impl Blank for TableCapacity {
    fn blank() -> Self {
        TableCapacity {
            table_name: String::new(),
            billing_mode: None,
            read_capacity: None,
            write_capacity: None,
            read_autoscaling: None,
            write_autoscaling: None,
        }
    }
}

impl Blank for AutoScaling {
    fn blank() -> Self {
        AutoScaling {
            min_capacity: None,
            max_capacity: None,
            target_utilization: None,
            scale_in_cooldown: None,
            scale_out_cooldown: None,
        }
    }
}

impl Blank for CachePolicy {
    fn blank() -> Self {
        CachePolicy {
            name: String::new(),
            comment: None,
            min_ttl: None,
            default_ttl: None,
            max_ttl: None,
            enable_gzip: false,
            enable_brotli: false,
            header_behavior: String::new(),
            headers: Vec::new(),
            cookie_behavior: String::new(),
            cookies: Vec::new(),
            query_string_behavior: String::new(),
            query_strings: Vec::new(),
        }
    }
}

impl Blank for Dashboard {
    fn blank() -> Self {
        Dashboard {
            name: String::new(),
        }
    }
}

impl Blank for Accelerator {
    fn blank() -> Self {
        Accelerator {
            name: String::new(),
            enabled: false,
            ip_address_type: String::new(),
            ports: Vec::new(),
            protocol: String::new(),
            endpoint_group_region: None,
            endpoint_id: None,
        }
    }
}

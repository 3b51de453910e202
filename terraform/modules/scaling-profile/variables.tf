variable "name" {
  description = "Name of the scaling profile, e.g. `staging` or `prod`. It is the resource's id and the `name` part of its import ID."
  type        = string

  validation {
    condition     = length(trimspace(var.name)) > 0
    error_message = "The profile name must not be empty."
  }
}

variable "timeouts" {
  description = "How long apply waits for asynchronous AWS work (provisioned concurrency allocation, table and function updates) on create, update and delete, as duration strings such as `\"30m\"`. `null`, or a null operation, keeps the provider's default (15 minutes)."
  type = object({
    create = optional(string)
    update = optional(string)
    delete = optional(string)
  })
  default = null
}

variable "traffic" {
  description = "Traffic model the profile must carry (peak requests per second at the edge, origin latency, cache hit ratio, DynamoDB reads and writes per request, cost inputs). Checked at plan time by the provider's rules; nothing here is sent to AWS. `null` leaves the capacity and cost analysis without a target."
  type = object({
    peak_rps                  = number
    latency_ms                = number
    cache_hit_ratio           = optional(number)
    reads_per_request         = optional(number)
    writes_per_request        = optional(number)
    average_to_peak_ratio     = optional(number)
    monthly_requests          = optional(number)
    response_bytes            = optional(number)
    item_size_kb              = optional(number)
    strongly_consistent_reads = optional(bool)
    architecture              = optional(string)
  })
  default = null

  validation {
    condition     = var.traffic == null ? true : (var.traffic.peak_rps > 0 && var.traffic.latency_ms > 0)
    error_message = "traffic.peak_rps and traffic.latency_ms must be positive."
  }

  validation {
    condition = var.traffic == null ? true : alltrue([
      for r in [var.traffic.cache_hit_ratio, var.traffic.average_to_peak_ratio] : r == null ? true : (r >= 0 && r <= 1)
    ])
    error_message = "traffic.cache_hit_ratio and traffic.average_to_peak_ratio must lie between 0 and 1."
  }

  validation {
    condition     = var.traffic == null ? true : contains(["x86_64", "arm64"], coalesce(var.traffic.architecture, "x86_64"))
    error_message = "traffic.architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "quota_requests" {
  description = "Service Quotas increase requests keyed by a name you choose, e.g. `api_throttle = { service_code = \"apigateway\", quota_code = \"L-8A5B8E43\", desired_value = 100000 }` for API Gateway's account throttle or `lambda`/`L-B99A9384` for Lambda concurrent executions. A request is filed only when the applied value is below `desired_value` and none is open."
  type = map(object({
    service_code  = string
    quota_code    = string
    desired_value = number
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for q in var.quota_requests : q.desired_value > 0 && can(regex("^L-[0-9A-F]{8}$", q.quota_code)) && length(q.service_code) > 0])
    error_message = "Each quota request needs a service code, a quota code like \"L-8A5B8E43\" and a positive desired_value."
  }

  validation {
    condition     = length(distinct([for q in values(var.quota_requests) : "${q.service_code}/${q.quota_code}"])) == length(var.quota_requests)
    error_message = "Each quota (service_code/quota_code) may be requested once."
  }
}

variable "api_gateway" {
  description = "Stage-wide throttle of a REST API stage (`rate_limit` requests per second, `burst_limit` token bucket) and the integration timeout the rules check Lambda timeouts against. `null` leaves API Gateway alone."
  type = object({
    rest_api_id            = string
    stage_name             = string
    rate_limit             = optional(number)
    burst_limit            = optional(number)
    integration_timeout_ms = optional(number)
  })
  default = null

  validation {
    condition     = var.api_gateway == null ? true : (var.api_gateway.burst_limit == null || var.api_gateway.rate_limit != null)
    error_message = "api_gateway.burst_limit requires api_gateway.rate_limit."
  }

  validation {
    condition = var.api_gateway == null ? true : alltrue([
      for v in [var.api_gateway.rate_limit, var.api_gateway.burst_limit] : v == null ? true : v >= 0
    ])
    error_message = "api_gateway.rate_limit and api_gateway.burst_limit must not be negative."
  }

  validation {
    condition     = var.api_gateway == null ? true : (var.api_gateway.integration_timeout_ms == null ? true : var.api_gateway.integration_timeout_ms >= 50)
    error_message = "api_gateway.integration_timeout_ms must be at least 50 ms."
  }
}

variable "lambda_pools" {
  description = "Lambda functions (the architecture's pools) keyed by a name you choose, with reserved and provisioned concurrency, memory and timeout. Left-out settings stay as AWS has them. `publish_on_change` publishes a new version and moves the `qualifier` alias when memory or timeout change."
  type = map(object({
    function_name           = string
    reserved_concurrency    = optional(number)
    provisioned_concurrency = optional(number)
    qualifier               = optional(string)
    memory_size             = optional(number)
    timeout                 = optional(number)
    publish_on_change       = optional(bool, false)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = length(distinct([for p in values(var.lambda_pools) : "${p.function_name}:${coalesce(p.qualifier, "-")}"])) == length(var.lambda_pools)
    error_message = "Each function and qualifier may appear in one pool only."
  }

  validation {
    condition     = alltrue([for p in var.lambda_pools : p.qualifier != "$LATEST"])
    error_message = "Provisioned concurrency needs an alias or a published version: qualifier \"$LATEST\" is rejected by AWS."
  }

  validation {
    condition     = alltrue([for p in var.lambda_pools : p.provisioned_concurrency == null ? true : p.qualifier != null])
    error_message = "provisioned_concurrency needs a qualifier (an alias such as \"prod\" or a published version)."
  }

  validation {
    condition = alltrue([
      for p in var.lambda_pools : (p.provisioned_concurrency == null || p.reserved_concurrency == null) ? true : p.provisioned_concurrency <= p.reserved_concurrency
    ])
    error_message = "provisioned_concurrency must not exceed reserved_concurrency."
  }

  validation {
    condition = alltrue([
      for p in var.lambda_pools : alltrue([
        for v in [p.reserved_concurrency, p.provisioned_concurrency] : v == null ? true : (v >= 0 && floor(v) == v)
      ])
    ])
    error_message = "reserved_concurrency and provisioned_concurrency must be whole numbers, 0 or more."
  }

  validation {
    condition     = alltrue([for p in var.lambda_pools : p.memory_size == null ? true : (p.memory_size >= 128 && p.memory_size <= 10240)])
    error_message = "memory_size must lie between 128 and 10240 MB."
  }

  validation {
    condition     = alltrue([for p in var.lambda_pools : p.timeout == null ? true : (p.timeout >= 1 && p.timeout <= 900)])
    error_message = "timeout must lie between 1 and 900 seconds."
  }
}

variable "dynamodb_tables" {
  description = "DynamoDB tables keyed by a name you choose, and their capacity mode: `PAY_PER_REQUEST` (on-demand, the default here) or `PROVISIONED` with optional target-tracking `autoscaling` of reads and writes."
  type = map(object({
    table_name     = string
    billing_mode   = optional(string, "PAY_PER_REQUEST")
    read_capacity  = optional(number)
    write_capacity = optional(number)
    autoscaling = optional(object({
      read = optional(object({
        min_capacity       = number
        max_capacity       = number
        target_utilization = optional(number)
        scale_in_cooldown  = optional(number)
        scale_out_cooldown = optional(number)
      }))
      write = optional(object({
        min_capacity       = number
        max_capacity       = number
        target_utilization = optional(number)
        scale_in_cooldown  = optional(number)
        scale_out_cooldown = optional(number)
      }))
    }))
  }))
  default  = {}
  nullable = false

  validation {
    condition     = length(distinct([for t in values(var.dynamodb_tables) : t.table_name])) == length(var.dynamodb_tables)
    error_message = "Each table may appear once."
  }

  validation {
    condition     = alltrue([for t in var.dynamodb_tables : contains(["PAY_PER_REQUEST", "PROVISIONED"], t.billing_mode)])
    error_message = "billing_mode must be \"PAY_PER_REQUEST\" or \"PROVISIONED\"."
  }

  validation {
    condition     = alltrue([for t in var.dynamodb_tables : t.autoscaling == null ? true : t.billing_mode == "PROVISIONED"])
    error_message = "autoscaling applies to PROVISIONED tables only."
  }

  validation {
    condition = alltrue(flatten([
      for t in var.dynamodb_tables : t.autoscaling == null ? [true] : [
        for d in [t.autoscaling.read, t.autoscaling.write] : d == null ? true : (
          d.min_capacity >= 1 && d.min_capacity <= d.max_capacity &&
          (d.target_utilization == null ? true : (d.target_utilization >= 20 && d.target_utilization <= 90))
        )
      ]
    ]))
    error_message = "Auto scaling needs 1 <= min_capacity <= max_capacity and a target_utilization between 20 and 90 percent."
  }
}

variable "cache_policy" {
  description = "CloudFront cache policy for the API's GET endpoints (TTLs, what goes into the cache key). `null` manages none."
  type = object({
    name                          = string
    comment                       = optional(string)
    min_ttl                       = optional(number, 0)
    default_ttl                   = optional(number)
    max_ttl                       = optional(number)
    enable_accept_encoding_gzip   = optional(bool)
    enable_accept_encoding_brotli = optional(bool)
    header_behavior               = optional(string)
    headers                       = optional(list(string))
    cookie_behavior               = optional(string)
    cookies                       = optional(list(string))
    query_string_behavior         = optional(string)
    query_strings                 = optional(list(string))
  })
  default = null

  validation {
    condition = var.cache_policy == null ? true : (
      var.cache_policy.min_ttl >= 0 &&
      var.cache_policy.min_ttl <= coalesce(var.cache_policy.default_ttl, var.cache_policy.max_ttl, var.cache_policy.min_ttl) &&
      coalesce(var.cache_policy.default_ttl, var.cache_policy.min_ttl) <= coalesce(var.cache_policy.max_ttl, var.cache_policy.default_ttl, var.cache_policy.min_ttl)
    )
    error_message = "cache_policy TTLs must satisfy 0 <= min_ttl <= default_ttl <= max_ttl."
  }

  validation {
    condition     = var.cache_policy == null ? true : contains(["none", "whitelist"], coalesce(var.cache_policy.header_behavior, "none"))
    error_message = "cache_policy.header_behavior must be \"none\" or \"whitelist\"."
  }

  validation {
    condition = var.cache_policy == null ? true : alltrue([
      for b in [var.cache_policy.cookie_behavior, var.cache_policy.query_string_behavior] : contains(["none", "whitelist", "allExcept", "all"], coalesce(b, "none"))
    ])
    error_message = "cache_policy.cookie_behavior and query_string_behavior must be one of \"none\", \"whitelist\", \"allExcept\", \"all\"."
  }

  validation {
    condition = var.cache_policy == null ? true : (
      length(coalesce(var.cache_policy.headers, [])) == 0 ? true : coalesce(var.cache_policy.header_behavior, "none") == "whitelist"
    )
    error_message = "cache_policy.headers are only used with header_behavior = \"whitelist\"."
  }

  validation {
    condition = var.cache_policy == null ? true : alltrue([
      for l in [var.cache_policy.headers, var.cache_policy.cookies, var.cache_policy.query_strings] : length(coalesce(l, [])) <= 10
    ])
    error_message = "A cache policy takes at most 10 headers, 10 cookies and 10 query strings."
  }
}

variable "dashboard" {
  description = "CloudWatch dashboard generated from the profile's components. `null` manages none."
  type = object({
    name = string
  })
  default = null

  validation {
    condition     = var.dashboard == null ? true : can(regex("^[A-Za-z0-9_-]{1,255}$", var.dashboard.name))
    error_message = "dashboard.name takes 1 to 255 letters, digits, \"-\" and \"_\"."
  }
}

variable "global_accelerator" {
  description = "Optional Global Accelerator in front of an ALB, NLB, EC2 instance or Elastic IP (it cannot front API Gateway). `null` manages none."
  type = object({
    name                  = string
    endpoint_id           = string
    enabled               = optional(bool)
    ip_address_type       = optional(string)
    ports                 = optional(list(number))
    protocol              = optional(string)
    endpoint_group_region = optional(string)
  })
  default = null

  validation {
    condition = var.global_accelerator == null ? true : (
      contains(["IPV4", "DUAL_STACK"], coalesce(var.global_accelerator.ip_address_type, "IPV4")) &&
      contains(["TCP", "UDP"], coalesce(var.global_accelerator.protocol, "TCP"))
    )
    error_message = "global_accelerator.ip_address_type must be \"IPV4\" or \"DUAL_STACK\" and protocol \"TCP\" or \"UDP\"."
  }

  validation {
    condition     = var.global_accelerator == null ? true : can(regex("^(arn:aws[a-z-]*:elasticloadbalancing:|i-|eipalloc-)", var.global_accelerator.endpoint_id))
    error_message = "global_accelerator.endpoint_id must be an ALB/NLB ARN, an EC2 instance id (i-...) or an Elastic IP allocation id (eipalloc-...)."
  }
}

variable "budget" {
  description = "Monthly budget in US dollars the cost estimate is held against; with `enforce = true` an estimate above it fails the plan. `null` sets no budget."
  type = object({
    monthly_usd = number
    enforce     = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.budget == null ? true : var.budget.monthly_usd > 0
    error_message = "budget.monthly_usd must be positive."
  }
}

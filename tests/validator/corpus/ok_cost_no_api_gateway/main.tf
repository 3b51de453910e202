# Lambda and DynamoDB behind a stage the profile does not manage: the API Gateway line is not priced, and the estimate says so.
resource "smuppy_scaling_profile" "api" {
  name = "no-stage"
  traffic = {
    peak_rps                  = 500
    latency_ms                = 40
    cache_hit_ratio           = 0.5
    reads_per_request         = 1
    writes_per_request        = 0
    average_to_peak_ratio     = 0.3
    response_bytes            = 2048
    item_size_kb              = 2
    strongly_consistent_reads = false
    architecture              = "arm64"
  }
  lambda_pools = {
    api = {
      function_name        = "api"
      reserved_concurrency = 100
      memory_size          = 512
      timeout              = 10
    }
  }
  dynamodb_tables = {
    items = {
      table_name   = "items"
      billing_mode = "PAY_PER_REQUEST"
    }
  }
  cache_policy = {
    name                  = "Api"
    min_ttl               = 0
    default_ttl           = 60
    max_ttl               = 300
    header_behavior       = "none"
    cookie_behavior       = "none"
    query_string_behavior = "none"
  }
}

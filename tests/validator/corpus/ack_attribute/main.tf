# The CAP004 error of cap004_throttle_below_origin, accepted in the resource's acknowledge attribute: a warning with the reason, exit 0.
resource "smuppy_scaling_profile" "api" {
  name = "ack-attribute"
  acknowledge = {
    CAP004 = "quota increase approved, OPS-42"
  }
  traffic = {
    peak_rps = 24000
    latency_ms = 50
    cache_hit_ratio = 0.5
    reads_per_request = 1
    writes_per_request = 0
    average_to_peak_ratio = 0.3
    response_bytes = 1024
    item_size_kb = 4
    strongly_consistent_reads = false
    architecture = "arm64"
  }
  api_gateway = {
    rest_api_id = "a1b2c3d4e5"
    stage_name = "prod"
    rate_limit = 9000
    burst_limit = 5000
  }
  lambda_pools = {
    pool00 = {
      function_name = "api"
      reserved_concurrency = 850
      provisioned_concurrency = 400
      qualifier = "live"
      memory_size = 1024
      timeout = 20
      publish_on_change = true
    }
  }
  dynamodb_tables = {
    table00 = {
      table_name = "feeds"
      billing_mode = "PAY_PER_REQUEST"
    }
  }
  cache_policy = {
    name = "ApiCache"
    min_ttl = 0
    default_ttl = 60
    max_ttl = 300
    enable_accept_encoding_gzip = true
    enable_accept_encoding_brotli = true
    header_behavior = "none"
    cookie_behavior = "none"
    query_string_behavior = "whitelist"
    query_strings = ["page"]
  }
  dashboard = {
    name = "ApiScaling"
  }
  budget = {
    monthly_usd = 100000
    enforce = true
  }
}

# Values come from terraform.tfvars, variable defaults and optional() defaults.
resource "smuppy_scaling_profile" "api" {
  name = "vars"

  traffic = {
    peak_rps        = 8000
    latency_ms      = 40
    cache_hit_ratio = 0
  }

  api_gateway = {
    rest_api_id = "a1b2c3d4e5"
    stage_name  = "prod"
    rate_limit  = 9000
  }

  lambda_pools = {
    pool00 = {
      function_name        = "api"
      reserved_concurrency = 600
      memory_size          = var.memory
      timeout              = var.function_timeout
    }
  }

  dynamodb_tables = {
    table00 = {
      table_name   = var.table.name
      billing_mode = var.table.billing_mode
    }
  }
}

# One smuppy_scaling_profile. Every part is a typed variable passed straight to
# the resource's attribute of the same shape, so an environment is described
# entirely by its variables. Lambda pools, tables and quota requests are maps:
# their keys are names the caller chooses, so reordering or removing one
# changes only that one.

resource "smuppy_scaling_profile" "this" {
  name = var.name

  traffic            = var.traffic
  quota_requests     = var.quota_requests
  api_gateway        = var.api_gateway
  lambda_pools       = var.lambda_pools
  dynamodb_tables    = var.dynamodb_tables
  cache_policy       = var.cache_policy
  dashboard          = var.dashboard
  global_accelerator = var.global_accelerator
  budget             = var.budget

  dynamic "timeouts" {
    for_each = var.timeouts == null ? [] : [var.timeouts]
    content {
      create = timeouts.value.create
      update = timeouts.value.update
      delete = timeouts.value.delete
    }
  }
}

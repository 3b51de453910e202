# One smuppy_scaling_profile. Every part is a typed variable passed straight to
# the resource's attribute of the same shape, so an environment is described
# entirely by its variables. Lambda pools, tables and quota requests are maps:
# their keys are names the caller chooses, so reordering or removing one
# changes only that one. An empty map is passed as null, as a profile written
# without the attribute has it (and as a state upgraded from 0.x holds it).

resource "smuppy_scaling_profile" "this" {
  name = var.name

  traffic            = var.traffic
  quota_requests     = length(var.quota_requests) > 0 ? var.quota_requests : null
  api_gateway        = var.api_gateway
  lambda_pools       = length(var.lambda_pools) > 0 ? var.lambda_pools : null
  dynamodb_tables    = length(var.dynamodb_tables) > 0 ? var.dynamodb_tables : null
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

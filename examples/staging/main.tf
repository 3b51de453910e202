# The same module code serves every environment: only terraform.auto.tfvars
# differs between examples/staging and examples/prod.

module "scaling" {
  source = "../../terraform/modules/scaling-profile"

  name               = var.profile_name
  timeouts           = var.timeouts
  traffic            = var.traffic
  quota_requests     = var.quota_requests
  api_gateway        = var.api_gateway
  lambda_pools       = var.lambda_pools
  dynamodb_tables    = var.dynamodb_tables
  cache_policy       = var.cache_policy
  dashboard          = var.dashboard
  global_accelerator = var.global_accelerator
  budget             = var.budget
}

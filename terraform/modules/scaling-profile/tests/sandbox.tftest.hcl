# Runs against real AWS APIs, here the test sandbox: the provider's endpoints
# and the names of the API, function and table come from variables.
#   terraform test -filter=tests/sandbox.tftest.hcl \
#     -var 'sandbox_endpoints={apigateway="http://127.0.0.1:4566",...}' \
#     -var 'scenario={api_id="bmkd8zayee",stage="staging",function="smuppy-api-handler",alias="prod",version="1",table="smuppy-feeds-staging"}'
# terraform test destroys what the apply run created when the file ends.
#
# A configured attribute in state always equals the configuration after apply
# (Terraform core refuses anything else), so the apply run asserts what only
# AWS can answer (the version the alias points to, the provisioned concurrency
# status) and the refresh-only run asserts the values the provider reads back
# from AWS. The stage's values are ones the emulator never fills in by itself.

variable "sandbox_endpoints" {
  description = "Endpoint URL per service, keyed by the provider's endpoints attribute names."
  type        = map(string)
}

variable "scenario" {
  description = "The REST API stage, Lambda function and alias, and DynamoDB table to profile."
  type = object({
    api_id   = string
    stage    = string
    function = string
    alias    = string
    version  = string
    table    = string
  })
}

provider "smuppy" {
  region      = "us-east-1"
  max_retries = 1

  endpoints {
    apigateway             = var.sandbox_endpoints["apigateway"]
    lambda                 = var.sandbox_endpoints["lambda"]
    dynamodb               = var.sandbox_endpoints["dynamodb"]
    applicationautoscaling = var.sandbox_endpoints["applicationautoscaling"]
    cloudfront             = var.sandbox_endpoints["cloudfront"]
    cloudwatch             = var.sandbox_endpoints["cloudwatch"]
    servicequotas          = var.sandbox_endpoints["servicequotas"]
    globalaccelerator      = var.sandbox_endpoints["globalaccelerator"]
  }
}

variables {
  name = "module-test-${var.scenario.table}"

  # Today's staging figures: 27,535 req/s at 55 ms, 70 % answered by the cache.
  traffic = {
    peak_rps        = 27535
    latency_ms      = 55
    cache_hit_ratio = 0.7
  }

  api_gateway = {
    rest_api_id = var.scenario.api_id
    stage_name  = var.scenario.stage
    rate_limit  = 9321
    burst_limit = 4321
  }

  lambda_pools = {
    api = {
      function_name           = var.scenario.function
      qualifier               = var.scenario.alias
      reserved_concurrency    = 800
      provisioned_concurrency = 5
    },
  }

  dynamodb_tables = {
    feeds = { table_name = var.scenario.table, billing_mode = "PAY_PER_REQUEST" },
  }
}

run "plan_computes_capacity" {
  command = plan

  # 27,535 × (1 − 0.7) = 8,260.5 req/s reach the origin; × 0.055 s = 454.33
  # concurrent executions (Little's law), well under the 800 reserved.
  assert {
    condition     = smuppy_scaling_profile.this.capacity.origin_rps == 8260.5
    error_message = "origin_rps should be 27535 × 0.3 = 8260.5, got ${jsonencode(smuppy_scaling_profile.this.capacity)}"
  }

  assert {
    condition     = smuppy_scaling_profile.this.capacity.required_concurrency == 454.33
    error_message = "required_concurrency should be 8260.5 × 0.055 = 454.33, got ${jsonencode(smuppy_scaling_profile.this.capacity)}"
  }

  assert {
    condition     = output.capacity.headroom >= 1
    error_message = "the staging profile must carry its target, got ${jsonencode(output.capacity)}"
  }

  assert {
    condition     = output.estimated_monthly_cost_usd > 0 && length(output.cost_breakdown) > 0
    error_message = "the plan must price the traffic model"
  }
}

run "apply_converges_the_stage_function_and_table" {
  assert {
    condition     = output.id == "module-test-${var.scenario.table}"
    error_message = "id is the profile's name"
  }

  # Computed: the provider reads them from Lambda (GetAlias, GetProvisionedConcurrencyConfig).
  assert {
    condition     = smuppy_scaling_profile.this.lambda_pools["api"].qualifier_version == var.scenario.version
    error_message = "the alias ${var.scenario.alias} points to version ${var.scenario.version}, the provider read ${jsonencode(smuppy_scaling_profile.this.lambda_pools["api"].qualifier_version)}"
  }

  assert {
    condition     = smuppy_scaling_profile.this.lambda_pools["api"].provisioned_status == "READY"
    error_message = "provisioned concurrency is not READY after apply: ${jsonencode(smuppy_scaling_profile.this.lambda_pools["api"].provisioned_status)}"
  }

  assert {
    condition     = output.capacity.bottleneck != null && output.capacity.bottleneck != ""
    error_message = "the applied profile names its bottleneck"
  }
}

# A refresh-only plan: the resource's values are what the provider's read found
# in AWS, not the configuration.
run "refresh_reads_back_what_aws_holds" {
  command = plan

  plan_options {
    mode = refresh-only
  }

  assert {
    condition     = smuppy_scaling_profile.this.api_gateway.rate_limit == 9321 && smuppy_scaling_profile.this.api_gateway.burst_limit == 4321
    error_message = "the stage throttle read from AWS: ${jsonencode(smuppy_scaling_profile.this.api_gateway)}"
  }

  assert {
    condition     = smuppy_scaling_profile.this.lambda_pools["api"].reserved_concurrency == 800 && smuppy_scaling_profile.this.lambda_pools["api"].provisioned_concurrency == 5
    error_message = "the concurrency read from AWS: ${jsonencode(smuppy_scaling_profile.this.lambda_pools["api"])}"
  }

  assert {
    condition     = smuppy_scaling_profile.this.dynamodb_tables["feeds"].billing_mode == "PAY_PER_REQUEST"
    error_message = "the table's mode read from AWS: ${jsonencode(smuppy_scaling_profile.this.dynamodb_tables["feeds"])}"
  }
}

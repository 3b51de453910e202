# The same import as a configuration-driven `import` block (Terraform 1.5+):
# `terraform plan` shows the import and `terraform apply` performs it. The
# resource must name the same AWS things as the ID, under the keys the ID gives
# with `@KEY` (without it: the function name, the table name).
import {
  to = smuppy_scaling_profile.api
  id = "name=staging;api_gateway=bmkd8zayee/staging;lambda=smuppy-api-handler:prod@api;dynamodb=smuppy-feeds-staging@feeds"
}

# Terraform 1.12+ can import by resource identity instead of the string:
#
# import {
#   to = smuppy_scaling_profile.api
#   identity = {
#     name            = "staging"
#     api_gateway     = "bmkd8zayee/staging"
#     lambda_pools    = ["smuppy-api-handler:prod@api"]
#     dynamodb_tables = ["smuppy-feeds-staging@feeds"]
#   }
# }

resource "smuppy_scaling_profile" "api" {
  name = "staging"

  api_gateway = {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
  }

  lambda_pools = {
    api = {
      function_name = "smuppy-api-handler"
      qualifier     = "prod"
    }
  }

  dynamodb_tables = {
    feeds = {
      table_name   = "smuppy-feeds-staging"
      billing_mode = "PAY_PER_REQUEST"
    }
  }
}

# The same import as a configuration-driven `import` block (Terraform 1.5+):
# `terraform plan` shows the import and `terraform apply` performs it. The
# resource's blocks must name the same AWS things as the ID.
import {
  to = smuppy_scaling_profile.api
  id = "name=staging;api_gateway=bmkd8zayee/staging;lambda=smuppy-api-handler:prod;dynamodb=smuppy-feeds-staging"
}

resource "smuppy_scaling_profile" "api" {
  name = "staging"

  api_gateway {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
  }

  lambda {
    function_name = "smuppy-api-handler"
    qualifier     = "prod"
  }

  dynamodb {
    table_name   = "smuppy-feeds-staging"
    billing_mode = "PAY_PER_REQUEST"
  }
}

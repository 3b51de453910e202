resource "smuppy_scaling_profile" "api" {
  name = "staging"

  dynamodb_tables = {
    feeds = {
      table_name     = "smuppy-feeds-staging"
      billing_mode   = "PROVISIONED"
      read_capacity  = 5

      autoscaling = {
        write = {
          min_capacity       = 500
          max_capacity       = 100
          target_utilization = 70
        }
      }
    }
  }
}

resource "smuppy_scaling_profile" "api" {
  name = "staging"

  dynamodb_tables = {
    feeds = {
      table_name   = "smuppy-feeds-staging"
      billing_mode = "PAY_PER_REQUEST"

      autoscaling = {
        read = {
          min_capacity = 5
          max_capacity = 100
        }
      }
    }
  }
}

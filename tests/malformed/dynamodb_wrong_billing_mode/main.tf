resource "smuppy_scaling_profile" "api" {
  name = "staging"

  dynamodb_tables = {
    feeds = {
      table_name   = "smuppy-feeds-staging"
      billing_mode = "ON_DEMAND"
    }
  }
}

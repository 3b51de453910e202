resource "smuppy_scaling_profile" "api" {
  name = "staging"

  dynamodb_tables = {
    feeds = {
      table_name   = "smuppy-feeds-staging"
      billing_mode = "PAY_PER_REQUEST"
    }

    feeds_copy = {
      table_name     = "smuppy-feeds-staging"
      billing_mode   = "PROVISIONED"
      read_capacity  = 10
      write_capacity = 10
    }
  }
}

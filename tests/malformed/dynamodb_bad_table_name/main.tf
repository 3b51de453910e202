resource "smuppy_scaling_profile" "api" {
  name = "staging"

  dynamodb_tables = {
    feeds = {
      table_name   = "ab"
      billing_mode = "PAY_PER_REQUEST"
    }
  }
}

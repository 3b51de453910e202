resource "smuppy_scaling_profile" "api" {
  name = "staging"

  dynamodb {
    table_name   = "ab"
    billing_mode = "PAY_PER_REQUEST"
  }
}

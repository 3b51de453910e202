resource "smuppy_scaling_profile" "api" {
  name = "staging"

  reserved_concurrency = 100
}

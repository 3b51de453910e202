resource "smuppy_scaling_profile" "api" {
  name                 = "staging"
  wait_timeout_seconds = 1.5
}

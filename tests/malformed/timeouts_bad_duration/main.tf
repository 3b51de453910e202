resource "smuppy_scaling_profile" "api" {
  name = "staging"

  timeouts {
    create = "1.5"
  }
}

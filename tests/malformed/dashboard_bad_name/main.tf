resource "smuppy_scaling_profile" "api" {
  name = "staging"

  dashboard = {
    name = "Smuppy Scaling/Prod"
  }
}

resource "smuppy_scaling_profile" "api" {
  name = "staging"

  budget = {
    monthly_usd = -50
  }
}

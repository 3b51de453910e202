resource "smuppy_scaling_profile" "api" {
  name = "staging"

  cache_policy = {
    name    = " "
    min_ttl = 0
  }
}

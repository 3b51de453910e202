resource "smuppy_scaling_profile" "api" {
  name = "staging"

  cache_policy = {
    name        = "SmuppyAPICache"
    min_ttl     = 600
    default_ttl = 60
    max_ttl     = 3600
  }
}

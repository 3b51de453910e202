resource "smuppy_scaling_profile" "api" {
  name = "staging"

  cache_policy = {
    name            = "SmuppyAPICache"
    min_ttl         = 0
    header_behavior = "sometimes"
  }
}

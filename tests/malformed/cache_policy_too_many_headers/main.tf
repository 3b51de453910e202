resource "smuppy_scaling_profile" "api" {
  name = "staging"

  cache_policy = {
    name            = "SmuppyAPICache"
    min_ttl         = 0
    header_behavior = "whitelist"
    headers         = ["h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10", "h11"]
  }
}

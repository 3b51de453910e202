# A CloudFront cache policy for the API's GET endpoints. Attach it to a
# distribution's cache behaviour through its exported id.
resource "smuppy_scaling_profile" "cache" {
  name = "prod-cache"

  cache_policy = {
    name                          = "SmuppyAPICache"
    min_ttl                       = 1
    default_ttl                   = 60
    max_ttl                       = 300
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true
    header_behavior               = "whitelist"
    headers                       = ["Authorization"]
    cookie_behavior               = "none"
    query_string_behavior         = "all"
  }
}

output "cache_policy_id" {
  value = smuppy_scaling_profile.cache.cache_policy.id
}

resource "smuppy_scaling_profile" "api" {
  name = "staging"

  traffic = {
    peak_rps        = 100000
    cache_hit_ratio = 1.5
  }
}

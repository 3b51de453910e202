resource "smuppy_scaling_profile" "api" {
  name = "staging"

  traffic = {
    peak_rps   = -100
    latency_ms = 55
  }
}

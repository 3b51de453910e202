# Negative item size, reads per request and response size: every figure built on them is meaningless.
resource "smuppy_scaling_profile" "api" {
  name = "negative-sizes"
  traffic = {
    peak_rps          = 1000
    latency_ms        = 50
    item_size_kb      = -4
    reads_per_request = -1
    response_bytes    = -10
  }
  dashboard = {
    name = "Api"
  }
}

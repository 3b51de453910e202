# A coherent profile whose values all come from variable defaults and a -var.
variable "peak" {
  type    = number
  default = 8000
}

variable "reserved" {
  type = number
}

resource "smuppy_scaling_profile" "api" {
  name = "defaults"

  traffic = {
    peak_rps                  = var.peak
    latency_ms                = 40
    cache_hit_ratio           = 0
    reads_per_request         = 1
    writes_per_request        = 0
    average_to_peak_ratio     = 0.25
    response_bytes            = 1024
    item_size_kb              = 4
    strongly_consistent_reads = false
    architecture              = "arm64"
  }

  lambda_pools = {
    pool00 = {
      function_name        = "api"
      reserved_concurrency = var.reserved
    }
  }
}

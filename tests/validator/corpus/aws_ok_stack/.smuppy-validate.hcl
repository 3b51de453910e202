traffic {
  peak_rps                  = 1000
  latency_ms                = 50
  cache_hit_ratio           = 0
  reads_per_request         = 1
  writes_per_request        = 0.2
  average_to_peak_ratio     = 0.3
  response_bytes            = 2048
  item_size_kb              = 1
  strongly_consistent_reads = false
  architecture              = "arm64"
}

traffic {
  peak_rps           = 1000
  latency_ms         = 20
  cache_hit_ratio    = 0
  reads_per_request  = 1
  writes_per_request = 0.1
}

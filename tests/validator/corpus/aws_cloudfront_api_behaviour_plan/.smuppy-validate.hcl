traffic {
  peak_rps           = 4000
  latency_ms         = 80
  cache_hit_ratio    = 0.5
  reads_per_request  = 0
  writes_per_request = 0
}

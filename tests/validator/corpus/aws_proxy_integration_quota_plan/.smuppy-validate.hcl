traffic {
  peak_rps           = 12000
  latency_ms         = 40
  cache_hit_ratio    = 0
  reads_per_request  = 1
  writes_per_request = 0
}

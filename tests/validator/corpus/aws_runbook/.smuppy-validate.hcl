traffic {
  peak_rps        = 100000
  latency_ms      = 55
  cache_hit_ratio = 0.8
}

traffic {
  peak_rps        = 10000
  latency_ms      = 50
  cache_hit_ratio = 0.5
}

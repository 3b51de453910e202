traffic {
  peak_rps        = 500
  latency_ms      = 40
  cache_hit_ratio = 0
}

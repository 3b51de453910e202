traffic {
  peak_rps                  = 2000
  latency_ms                = 30
  cache_hit_ratio           = 0
  reads_per_request         = 1
  writes_per_request        = 0
  item_size_kb              = 1
  strongly_consistent_reads = false
}

# 50,000 strongly consistent reads/s on one on-demand table (40,000 per table).
resource "smuppy_scaling_profile" "api" {
  name = "cap008-on-demand-reads"
  traffic = {
    peak_rps = 50000
    latency_ms = 20
    cache_hit_ratio = 0
    strongly_consistent_reads = true
  }
  dynamodb_tables = {
    table00 = {
      table_name = "feeds"
      billing_mode = "PAY_PER_REQUEST"
    }
  }
}

# 25,000 writes/s of 2 KB items: 50,000 write units/s on one table.
resource "smuppy_scaling_profile" "api" {
  name = "cap009-on-demand-writes"
  traffic = {
    peak_rps = 25000
    latency_ms = 20
    writes_per_request = 1
    reads_per_request = 0
    item_size_kb = 2
  }
  dynamodb_tables = {
    table00 = {
      table_name = "feeds"
      billing_mode = "PAY_PER_REQUEST"
    }
  }
}

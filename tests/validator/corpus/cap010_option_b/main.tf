# The runbook's option B: auto scaling up to 100,000 RCU, for 100k reads at 70%.
resource "smuppy_scaling_profile" "api" {
  name = "cap010-option-b"
  traffic = {
    peak_rps = 100000
    latency_ms = 20
    cache_hit_ratio = 0
  }
  dynamodb_tables = {
    table00 = {
      table_name = "smuppy-feeds-staging"
      billing_mode = "PROVISIONED"
      write_capacity = 5
      autoscaling = {
        read = {
          min_capacity = 1000
          max_capacity = 100000
          target_utilization = 70
          scale_in_cooldown = 60
          scale_out_cooldown = 60
        }
      }
    }
  }
}

resource "smuppy_scaling_profile" "api" {
  name = "staging"

  traffic = {
    peak_rps          = 2000
    latency_ms        = 50
    cache_hit_ratio   = 0.5
    reads_per_request = 1
  }

  dynamodb_tables = {
    table00 = {
      table_name     = "smuppy-feeds-staging"
      billing_mode   = "PROVISIONED"
      read_capacity  = 10
      write_capacity = 5
  
      autoscaling = {
        read = {
          min_capacity       = 1000
          max_capacity       = 4000
          target_utilization = 70
        }
      }
    }
  }
}

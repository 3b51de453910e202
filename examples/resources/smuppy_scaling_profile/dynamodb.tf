# One table on demand, one provisioned with target-tracking auto scaling of
# reads and writes (Application Auto Scaling).
resource "smuppy_scaling_profile" "table" {
  name = "staging-tables"

  dynamodb_tables = {
    feeds = {
      table_name   = "smuppy-feeds-staging"
      billing_mode = "PAY_PER_REQUEST"
    }
    sessions = {
      # Auto scaling owns both dimensions: no fixed read/write capacity; the
      # minimums are the starting capacity when the table becomes PROVISIONED.
      table_name   = "smuppy-sessions-staging"
      billing_mode = "PROVISIONED"

      autoscaling = {
        read = {
          min_capacity       = 1000
          max_capacity       = 40000
          target_utilization = 70
          scale_in_cooldown  = 60
          scale_out_cooldown = 60
        }
        write = {
          min_capacity = 100
          max_capacity = 4000
        }
      }
    }
  }
}

# Two tables scaling to 40,000 and 45,000 read units, one through a module:
# each fits its per-table quota after a raise, together 85,000 > 80,000 per account.
module "events" {
  source   = "./modules/table"
  table    = "events"
  max_read = 40000
}

resource "smuppy_scaling_profile" "sessions" {
  name = "sessions"
  dynamodb_tables = {
    main = {
      table_name     = "sessions"
      billing_mode   = "PROVISIONED"
      write_capacity = 10
      autoscaling = {
        read = {
          min_capacity = 5
          max_capacity = 45000
        }
      }
    }
  }
}

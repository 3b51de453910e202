# Maps built with `for` expressions from typed variables over optional()
# defaults, as the shared module builds its keyed attributes.
variable "pools" {
  type = list(object({
    function_name        = string
    reserved_concurrency = optional(number)
    memory_size          = optional(number, 1024)
  }))
}

variable "tables" {
  type = list(object({
    table_name   = string
    billing_mode = optional(string, "PROVISIONED")
    autoscaling = optional(object({
      read = optional(object({
        min_capacity       = number
        max_capacity       = number
        target_utilization = optional(number, 70)
      }))
    }))
  }))
  default = []
}

resource "smuppy_scaling_profile" "api" {
  name = "dynamic"

  lambda_pools = {
    for pool in var.pools : pool.function_name => {
      function_name        = pool.function_name
      reserved_concurrency = pool.reserved_concurrency
      memory_size          = pool.memory_size
    }
  }

  dynamodb_tables = {
    for t in var.tables : t.table_name => {
      table_name     = t.table_name
      billing_mode   = t.billing_mode
      write_capacity = 5
      autoscaling = t.autoscaling == null ? null : {
        read = t.autoscaling.read == null ? null : {
          min_capacity       = t.autoscaling.read.min_capacity
          max_capacity       = t.autoscaling.read.max_capacity
          target_utilization = t.autoscaling.read.target_utilization
        }
      }
    }
  }
}

# Blocks generated with `dynamic` from typed variables, as the shared module does.
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

  dynamic "lambda" {
    for_each = var.pools
    iterator = pool
    content {
      function_name        = pool.value.function_name
      reserved_concurrency = pool.value.reserved_concurrency
      memory_size          = pool.value.memory_size
    }
  }

  dynamic "dynamodb" {
    for_each = var.tables
    content {
      table_name     = dynamodb.value.table_name
      billing_mode   = dynamodb.value.billing_mode
      write_capacity = 5

      dynamic "autoscaling" {
        for_each = dynamodb.value.autoscaling == null ? [] : [dynamodb.value.autoscaling]
        content {
          dynamic "read" {
            for_each = autoscaling.value.read == null ? [] : [autoscaling.value.read]
            content {
              min_capacity       = read.value.min_capacity
              max_capacity       = read.value.max_capacity
              target_utilization = read.value.target_utilization
            }
          }
        }
      }
    }
  }
}

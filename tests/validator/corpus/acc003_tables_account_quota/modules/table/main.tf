variable "table" {
  type = string
}
variable "max_read" {
  type = number
}

resource "smuppy_scaling_profile" "this" {
  name = var.table
  dynamodb_tables = {
    main = {
      table_name     = var.table
      billing_mode   = "PROVISIONED"
      write_capacity = 10
      autoscaling = {
        read = {
          min_capacity = 5
          max_capacity = var.max_read
        }
      }
    }
  }
}

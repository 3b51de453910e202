variable "function_timeout" {
  type = number
}

variable "memory" {
  type    = number
  default = 512
}

variable "table" {
  type = object({
    name         = string
    billing_mode = optional(string, "PAY_PER_REQUEST")
  })
}

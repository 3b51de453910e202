variable "name" { type = string }
variable "reserved" { type = number }

resource "aws_lambda_function" "this" {
  function_name                  = "svc-${var.name}"
  role                           = "arn:aws:iam::123456789012:role/${var.name}"
  handler                        = "main"
  runtime                        = "provided.al2023"
  memory_size                    = 256
  timeout                        = 15
  reserved_concurrent_executions = var.reserved
}

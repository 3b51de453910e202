# Two accelerators in one root, each in front of a load balancer of its own
# (given by ARN). The validator does not read load balancers, so which
# accelerator fronts the functions is not known: neither is read, and the
# profile says so rather than price or check one at random.

variable "alb_arns" {
  type = map(string)
  default = {
    web = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"
    api = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/api/7c3b1e2f9a8d6e5f"
  }
}

resource "aws_lambda_function" "api" {
  function_name                  = "api"
  role                           = "arn:aws:iam::123456789012:role/api"
  handler                        = "index.handler"
  runtime                        = "nodejs20.x"
  reserved_concurrent_executions = 100
}

resource "aws_globalaccelerator_accelerator" "ga" {
  for_each = var.alb_arns
  name     = "edge-${each.key}"
}

resource "aws_globalaccelerator_listener" "tcp" {
  for_each        = var.alb_arns
  accelerator_arn = aws_globalaccelerator_accelerator.ga[each.key].arn
  protocol        = "TCP"
  port_range {
    from_port = 443
    to_port   = 443
  }
}

resource "aws_globalaccelerator_endpoint_group" "alb" {
  for_each     = var.alb_arns
  listener_arn = aws_globalaccelerator_listener.tcp[each.key].arn
  endpoint_configuration {
    endpoint_id = each.value
  }
}

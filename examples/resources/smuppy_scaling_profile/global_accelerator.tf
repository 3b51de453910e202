# An optional Global Accelerator. Its endpoints can only be load balancers,
# EC2 instances or Elastic IPs: it cannot front API Gateway directly.
resource "smuppy_scaling_profile" "accelerator" {
  name = "prod-accelerator"

  global_accelerator = {
    name                  = "smuppy-global"
    ip_address_type       = "IPV4"
    ports                 = [443]
    protocol              = "TCP"
    endpoint_group_region = "us-east-1"
    endpoint_id           = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/smuppy-api/50dc6c495c0c9188"
  }
}

# 100,000 req/s at the edge with an 80% cache hit ratio: 20,000 req/s reach
# API Gateway.
output "origin_rps" {
  value = provider::smuppy::origin_rps(100000, 0.8)
}

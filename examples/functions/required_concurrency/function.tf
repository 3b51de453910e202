# 16,000 req/s at the edge, half answered by CloudFront, 50 ms at the origin:
# 8,000 req/s × 0.05 s = 400 concurrent executions.
output "concurrency_needed" {
  value = provider::smuppy::required_concurrency(16000, 50, 0.5)
}

variable "peak_rps" {
  type    = number
  default = 100000
}

variable "latency_ms" {
  type    = number
  default = 55
}

variable "cache_hit_ratio" {
  type    = number
  default = 0.8
}

# Reserve what the traffic model needs, with 20% to spare: 1,100 → 1,320.
output "reserved_concurrency" {
  value = ceil(provider::smuppy::required_concurrency(var.peak_rps, var.latency_ms, var.cache_hit_ratio) * 1.2)
}

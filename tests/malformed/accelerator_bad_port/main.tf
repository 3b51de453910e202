resource "smuppy_scaling_profile" "api" {
  name = "staging"

  global_accelerator = {
    name        = "smuppy-api"
    ports       = [443, 70000]
    endpoint_id = "i-0123456789abcdef0"
  }
}

resource "smuppy_scaling_profile" "api" {
  name = "staging"

  global_accelerator = {
    name                  = "-smuppy"
    endpoint_id           = ""
    endpoint_group_region = "US West"
  }
}

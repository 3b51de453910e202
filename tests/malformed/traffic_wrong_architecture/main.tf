resource "smuppy_scaling_profile" "api" {
  name = "staging"

  traffic = {
    peak_rps     = 1000
    architecture = "sparc"
  }
}

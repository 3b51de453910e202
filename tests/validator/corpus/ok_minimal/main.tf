# Only a dashboard: nothing to check, nothing to report.
resource "smuppy_scaling_profile" "api" {
  name = "ok-minimal"
  dashboard = {
    name = "Only"
  }
}

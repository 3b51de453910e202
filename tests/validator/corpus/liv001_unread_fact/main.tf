# Saved account facts in which Lambda's account settings could not be read:
# the published default is assumed and said so.
resource "smuppy_scaling_profile" "api" {
  name = "liv001-unread-fact"
  dashboard = {
    name = "Only"
  }
}

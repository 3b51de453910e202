# The same dashboard name through two provider configurations (two accounts): no conflict.
provider "smuppy" {
  region = "us-east-1"
}

provider "smuppy" {
  alias  = "eu"
  region = "eu-west-1"
}

resource "smuppy_scaling_profile" "us" {
  name = "us"
  dashboard = {
    name = "Api"
  }
}

resource "smuppy_scaling_profile" "eu" {
  provider = smuppy.eu
  name     = "eu"
  dashboard = {
    name = "Api"
  }
}

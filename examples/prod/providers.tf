terraform {
  required_version = ">= 1.5"

  required_providers {
    smuppy = {
      source = "smuppy/smuppy"
    }
  }
}

provider "smuppy" {
  region = var.region
}

terraform {
  required_version = ">= 1.5"

  required_providers {
    smuppy = {
      source  = "smuppy/smuppy"
      version = ">= 1.0.0"
    }
  }
}

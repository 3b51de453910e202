terraform {
  required_version = ">= 1.5"

  required_providers {
    smuppy = {
      source  = "smuppy/smuppy"
      version = ">= 0.1.0"
    }
  }
}

terraform {
  required_providers {
    smuppy = {
      source = "smuppy/smuppy"
    }
  }
}

provider "smuppy" {
  region = "us-east-1"
}

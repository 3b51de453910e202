# Three profiles reserve 400 each; each fits alone, together they need 1,300 in a 1,000 account.
resource "smuppy_scaling_profile" "checkout" {
  name = "checkout"
  traffic = {
    peak_rps           = 2000
    latency_ms         = 50
    cache_hit_ratio    = 0
  }
  lambda_pools = {
    api = {
      function_name        = "checkout-api"
      reserved_concurrency = 400
    }
  }
}

resource "smuppy_scaling_profile" "search" {
  name = "search"
  traffic = {
    peak_rps           = 2000
    latency_ms         = 50
    cache_hit_ratio    = 0
  }
  lambda_pools = {
    api = {
      function_name        = "search-api"
      reserved_concurrency = 400
    }
  }
}

resource "smuppy_scaling_profile" "feeds" {
  name = "feeds"
  traffic = {
    peak_rps           = 2000
    latency_ms         = 50
    cache_hit_ratio    = 0
  }
  lambda_pools = {
    api = {
      function_name        = "feeds-api"
      reserved_concurrency = 400
    }
  }
}


pools = [
  { function_name = "read", reserved_concurrency = 500 },
  { function_name = "write", reserved_concurrency = 450, memory_size = 20480 },
]

tables = [
  { table_name = "feeds", autoscaling = { read = { min_capacity = 10, max_capacity = 50000 } } },
]

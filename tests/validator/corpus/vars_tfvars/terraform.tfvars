function_timeout = 31
table = {
  name = "feeds"
}

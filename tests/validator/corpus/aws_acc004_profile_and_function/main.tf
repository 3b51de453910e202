# Pattern: a team adopts the scaling profile beside the function it already
# manages with hashicorp/aws, and leaves memory_size in both. Each apply of
# one undoes the other. The profile names the function through a reference
# to the aws_lambda_function. The traffic model is the profile's.

resource "aws_lambda_function" "checkout" {
  function_name = "checkout"
  role          = aws_iam_role.checkout.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  memory_size   = 512
  timeout       = 10
}

resource "smuppy_scaling_profile" "checkout" {
  name = "checkout"
  traffic = {
    peak_rps   = 200
    latency_ms = 40
  }
  lambda_pools = {
    checkout = {
      function_name = aws_lambda_function.checkout.function_name
      memory_size   = 1024
    }
  }
}

# The shapes of these values are typed and validated by the module
# (terraform/modules/scaling-profile/variables.tf, see its README); the root
# passes them through unchanged.

variable "region" {
  description = "AWS region of the API, its functions and tables."
  type        = string
  default     = "us-east-1"
}

variable "profile_name" {
  description = "Name of the scaling profile (the environment)."
  type        = string
}

variable "timeouts" {
  description = "How long apply waits for asynchronous AWS work on create, update and delete (module input `timeouts`); null keeps the provider's default."
  type        = any
  default     = null
}

variable "traffic" {
  description = "Traffic model the environment must carry (module input `traffic`)."
  type        = any
  default     = null
}

variable "quota_requests" {
  description = "Service Quotas increase requests keyed by a name you choose (module input `quota_requests`)."
  type        = any
  default     = {}
}

variable "api_gateway" {
  description = "REST API stage throttle (module input `api_gateway`)."
  type        = any
  default     = null
}

variable "lambda_pools" {
  description = "Lambda pools keyed by a name you choose (module input `lambda_pools`)."
  type        = any
  default     = {}
}

variable "dynamodb_tables" {
  description = "DynamoDB tables keyed by a name you choose (module input `dynamodb_tables`)."
  type        = any
  default     = {}
}

variable "cache_policy" {
  description = "CloudFront cache policy (module input `cache_policy`)."
  type        = any
  default     = null
}

variable "dashboard" {
  description = "CloudWatch dashboard (module input `dashboard`)."
  type        = any
  default     = null
}

variable "global_accelerator" {
  description = "Optional Global Accelerator (module input `global_accelerator`)."
  type        = any
  default     = null
}

variable "budget" {
  description = "Monthly budget for the cost estimate (module input `budget`)."
  type        = any
  default     = null
}

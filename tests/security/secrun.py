"""One real run of a full profile against the sandbox, shared by the security tests.

The run applies a profile using every block at ``TF_LOG=TRACE``, plans a change at
``DEBUG`` (saved plan, rendered with ``show -json``), applies that saved plan at
``JSON``, fails an apply on purpose (a stage that does not exist) at ``TRACE`` so that
error diagnostics come back, and destroys at ``TRACE``. Every log file, the state
files, the plan JSON and everything Terraform printed are kept for the tests to grep.
The run uses a session token too, so that a leaked ``X-Amz-Security-Token`` would show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from harness import fixtures as fx

# Distinctive, so that a grep can only find it where it leaked.
SESSION_TOKEN = "smuppy-session-token-5d1e9c3a7b"

ADDRESS = "smuppy_scaling_profile.sec"
# An accelerator endpoint Global Accelerator accepts (an ALB ARN).
ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/smuppy-api/50dc6c495c0c9188"


def profile(sc: fx.Scenario, *, rate: int, stage: str | None = None) -> str:
    return f"""
resource "smuppy_scaling_profile" "sec" {{
  name = "security-{sc.suffix}"

  traffic = {{
    peak_rps        = 5000
    latency_ms      = 55
    cache_hit_ratio = 0.8
  }}

  quota_requests = {{
    "lambda/L-B99A9384" = {{
      service_code  = "lambda"
      quota_code    = "L-B99A9384"
      desired_value = 2000
    }}
  }}

  api_gateway = {{
    rest_api_id = "{sc.api.api_id}"
    stage_name  = "{stage or sc.api.stage_name}"
    rate_limit  = {rate}
    burst_limit = 500
  }}

  lambda_pools = {{
    "{sc.function.name}" = {{
      function_name           = "{sc.function.name}"
      qualifier               = "{sc.function.alias}"
      reserved_concurrency    = 200
      provisioned_concurrency = 10
      memory_size             = 512
      publish_on_change       = true
    }}
  }}

  dynamodb_tables = {{
    "{sc.table.name}" = {{
      table_name     = "{sc.table.name}"
      billing_mode   = "PROVISIONED"
      write_capacity = 10

      autoscaling = {{
        read = {{
          min_capacity = 10
          max_capacity = 5000
        }}
      }}
    }}
  }}

  cache_policy = {{
    name        = "SmuppySecurity{sc.suffix}"
    min_ttl     = 0
    default_ttl = 60
    max_ttl     = 300
  }}

  dashboard = {{
    name = "SmuppySecurity-{sc.suffix}"
  }}

  global_accelerator = {{
    name        = "smuppy-security-{sc.suffix}"
    endpoint_id = "{ALB_ARN}"
  }}
}}
"""


@dataclass
class SecurityRun:
    workdir: Path
    logs: dict[str, Path] = field(default_factory=dict)  # step -> TF_LOG_PATH file
    outputs: dict[str, str] = field(default_factory=dict)  # step -> stdout + stderr
    rcs: dict[str, int] = field(default_factory=dict)
    plan_json: str = ""
    state_texts: dict[str, str] = field(default_factory=dict)  # file name -> content

    def log_text(self, step: str) -> str:
        path = self.logs[step]
        return path.read_text(errors="replace") if path.exists() else ""

"""Test harness of the project: the sandbox AWS account, scenario fixtures and a
Terraform runner.

- ``harness.sandbox``       Sandbox (ministack + extended moto), ROUTES, credentials
- ``harness.moto_launcher`` moto server with Service Quotas requests and Global Accelerator
- ``harness.fixtures``      REST API / Lambda / DynamoDB fixtures of the runbook scenario
- ``harness.terraform``     the real terraform executable with dev_overrides
"""

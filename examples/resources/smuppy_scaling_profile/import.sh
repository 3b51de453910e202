#!/usr/bin/env bash
# Import an existing setup into smuppy_scaling_profile.api. The ID is the
# profile's name and the AWS things it manages, as key=value pairs joined by
# ";" (lambda, dynamodb and quota_request repeat; each takes an optional @KEY,
# the key of its entry in lambda_pools, dynamodb_tables or quota_requests,
# which defaults to the function name, the table name or SERVICE_CODE/QUOTA_CODE):
#   name=NAME;api_gateway=REST_API_ID/STAGE;lambda=FUNCTION[:QUALIFIER][@KEY];dynamodb=TABLE[@KEY];
#   quota_request=SERVICE_CODE/QUOTA_CODE[@KEY];cache_policy=ID;dashboard=NAME;global_accelerator=ARN
terraform import smuppy_scaling_profile.api 'name=staging;api_gateway=bmkd8zayee/staging;lambda=smuppy-api-handler:prod@api;dynamodb=smuppy-feeds-staging@feeds'

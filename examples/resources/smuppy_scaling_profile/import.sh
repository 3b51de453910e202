#!/usr/bin/env bash
# Import an existing setup into smuppy_scaling_profile.api. The ID is the
# profile's name and the AWS things it manages, as key=value pairs joined by
# ";" (lambda, dynamodb and quota_request repeat):
#   name=NAME;api_gateway=REST_API_ID/STAGE;lambda=FUNCTION[:QUALIFIER];dynamodb=TABLE;
#   quota_request=SERVICE_CODE/QUOTA_CODE;cache_policy=ID;dashboard=NAME;global_accelerator=ARN
terraform import smuppy_scaling_profile.api 'name=staging;api_gateway=bmkd8zayee/staging;lambda=smuppy-api-handler:prod;dynamodb=smuppy-feeds-staging'

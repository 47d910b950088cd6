import json


def handler(event, context):
    # The token's claims, as API Gateway hands them on: every value a string.
    claims = event["requestContext"]["authorizer"]["claims"]
    if event["path"] == "/orders":
        return {"statusCode": 200, "body": json.dumps({"orders": [], "scope": claims["scope"], "user": claims["username"]})}
    return {"statusCode": 200, "body": json.dumps({"user": claims["cognito:username"], "email": claims.get("email"),
                                                   "groups": claims.get("cognito:groups", "")})}

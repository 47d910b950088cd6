import json


def handler(event, context):
    if event["path"] == "/health":
        return {"statusCode": 200, "body": json.dumps({"ok": True})}
    if event["path"] == "/signed":
        # A SigV4-signed caller (AWS_IAM): who signed.
        identity = event["requestContext"]["identity"]
        return {"statusCode": 200, "body": json.dumps({"userArn": identity["userArn"], "accessKey": identity["accessKey"]})}
    # What the authorizer said, as API Gateway hands it on: every value a string.
    return {"statusCode": 200, "body": json.dumps(event["requestContext"]["authorizer"], sort_keys=True)}

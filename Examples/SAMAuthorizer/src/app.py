import json


def handler(event, context):
    if event["path"] == "/health":
        return {"statusCode": 200, "body": json.dumps({"ok": True})}
    # What the authorizer said, as API Gateway hands it on: every value a string.
    return {"statusCode": 200, "body": json.dumps(event["requestContext"]["authorizer"], sort_keys=True)}

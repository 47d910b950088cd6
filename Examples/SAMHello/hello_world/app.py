import json
import os


def lambda_handler(event, context):
    if event["resource"] == "/health":
        return {"statusCode": 200, "body": json.dumps({"ok": True})}
    name = event["pathParameters"]["name"]
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": f"{os.environ['GREETING']}, {name}!"}),
    }

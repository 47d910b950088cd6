import json


def handler(event, context):
    """A Lambda proxy handler: API Gateway's event in, an HTTP answer out."""
    name = event["pathParameters"]["name"]
    body = {"message": f"Hello, {name}!"}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}

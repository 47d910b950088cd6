"""A TOKEN authorizer: `Bearer <user>`. Known users get a policy for every method of the
stage (the answer is cached for 300 s and evaluated against each request's method ARN, so a
policy for one method only would deny the others until it expires); only admins may call
/admin (an explicit Deny wins); anyone else is Unauthorized (401)."""

USERS = {"ada": {"admin": True}, "grace": {"admin": False}}


def handler(event, context):
    user = event["authorizationToken"].split(" ", 1)[1]
    if user not in USERS:
        raise Exception("Unauthorized")
    # arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}
    api, stage = event["methodArn"].split("/")[:2]
    statements = [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": f"{api}/{stage}/*"}]
    if not USERS[user]["admin"]:
        statements.append({"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": f"{api}/{stage}/*/admin"})
    return {
        "principalId": user,
        "policyDocument": {"Version": "2012-10-17", "Statement": statements},
        "context": {"user": user, "admin": USERS[user]["admin"]},
    }

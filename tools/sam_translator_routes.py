#!/usr/bin/env python3
"""What AWS's SAM translator makes of SAM templates, reduced to what a local gateway must
reproduce: each route (stage, method, path → the function it calls, or MOCK), whether it needs
an API key, its authorization (NONE, CUSTOM/name, COGNITO_USER_POOLS/name, AWS_IAM), the usage plans (stages, quota, throttle) and the API keys with their plans.

    AWS_DEFAULT_REGION=us-east-1 python3 tools/sam_translator_routes.py TEMPLATE...

Prints one JSON object: {template path: {"routes": [...], "plans": [...], "keys": [...]}} or
{template path: {"error": message}} when the translator refuses the template, {"crash": …}
when it fails by itself (no verdict to compare with). Needs the
aws-sam-translator package (pip install aws-sam-translator); runs offline.

Local files are handed over as `sam deploy` would after uploading them: a local CodeUri
becomes a made-up s3:// URI, a local DefinitionUri or AWS::Include is read into the body.
The tests compare this with `TemplateTransform`'s output (TemplateTranslatorTests).
"""
import copy
import json
import os
import re
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402
from samtranslator.model.exceptions import (  # noqa: E402
    InvalidDocumentException, InvalidEventException, InvalidResourceException, InvalidTemplateException)


class NoManagedPolicies:
    def load(self):
        return {}


def read(path):
    with open(path) as handle:
        return yaml_parse(handle.read())


def inline_includes(value, base):
    if isinstance(value, dict):
        transform_value = value.get("Fn::Transform")
        if len(value) == 1 and isinstance(transform_value, dict) and transform_value.get("Name") == "AWS::Include":
            location = transform_value.get("Parameters", {}).get("Location", "")
            if not location.startswith("s3://"):
                return inline_includes(read(os.path.join(base, location)), base)
        return {key: inline_includes(item, base) for key, item in value.items()}
    if isinstance(value, list):
        return [inline_includes(item, base) for item in value]
    return value


def prepared(path):
    document = read(path)
    base = os.path.dirname(os.path.abspath(path))
    document = inline_includes(document, base)
    functions = [(document.get("Globals") or {}).get("Function") or {}]
    for name, resource in (document.get("Resources") or {}).items():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::Function":
            functions.append(properties)
        if resource.get("Type") == "AWS::Serverless::Api" and isinstance(properties.get("DefinitionUri"), str) \
                and not properties["DefinitionUri"].startswith("s3://"):
            properties["DefinitionBody"] = read(os.path.join(base, properties.pop("DefinitionUri")))
    for properties in functions:
        if isinstance(properties.get("CodeUri"), str) and not properties["CodeUri"].startswith("s3://"):
            properties["CodeUri"] = "s3://local-code/" + re.sub(r"[^A-Za-z0-9]", "-", properties["CodeUri"]) + ".zip"
    return document


def number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else str(value)


def ref(value):
    return value.get("Ref") if isinstance(value, dict) else value


def target(integration, resources):
    if integration.get("type", "").lower() == "mock":
        return "MOCK"
    uri = integration.get("uri")
    text = json.dumps(uri)
    found = re.search(r"\$\{([A-Za-z0-9]+)\.Arn\}", text) or re.search(r'"Fn::GetAtt": \["([A-Za-z0-9]+)", "Arn"\]', text)
    if found:
        return found.group(1)
    found = re.search(r"\$\{([A-Za-z0-9]+)\}", text)
    if found and resources.get(found.group(1), {}).get("Type") == "AWS::Lambda::Alias":
        alias = resources[found.group(1)]["Properties"]
        return ref(alias["FunctionName"]) + ":" + alias["Name"]
    return "?" + text


def authorization(operation, body):
    """The method's authorization as API Gateway imports it: the first requirement of its own
    security (else the document's) naming an authorizer scheme (CUSTOM/NAME,
    COGNITO_USER_POOLS/NAME) or an awsSigv4 one (AWS_IAM); NONE otherwise."""
    schemes = dict((body.get("securityDefinitions") or {}))
    schemes.update((body.get("components") or {}).get("securitySchemes") or {})
    requirements = operation["security"] if "security" in operation else body.get("security") or []
    for requirement in requirements or []:
        for name in requirement:
            scheme = schemes.get(name) or {}
            authorizer = scheme.get("x-amazon-apigateway-authorizer")
            if isinstance(authorizer, dict):
                kind = str(authorizer.get("type", "token")).upper()
                return ("COGNITO_USER_POOLS/" if kind == "COGNITO_USER_POOLS" else "CUSTOM/") + name
            if str(scheme.get("x-amazon-apigateway-authtype", "")).lower() == "awssigv4":
                return "AWS_IAM"
    return "NONE"


def routes_of(template):
    resources = template.get("Resources", {})
    parameters = template.get("Parameters") or {}

    def text(value):
        """A stage name: a string, or a Ref to a parameter (its Default, as no override is given)."""
        if isinstance(value, dict) and ref(value) in parameters:
            return str(parameters[ref(value)].get("Default"))
        return value

    routes, plans, keys = [], [], []
    stage_names = {}
    for name, resource in resources.items():
        if resource.get("Type") == "AWS::ApiGateway::Stage":
            stage_names[name] = text(resource["Properties"]["StageName"])
    for api_id, resource in resources.items():
        if resource.get("Type") != "AWS::ApiGateway::RestApi":
            continue
        stages = []
        for other in resources.values():
            properties = other.get("Properties") or {}
            stage = text(properties.get("StageName"))
            if other.get("Type") in ("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment") and ref(properties.get("RestApiId")) == api_id \
                    and isinstance(stage, str) and stage not in stages:
                stages.append(stage)
        body = (resource.get("Properties") or {}).get("Body") or {}
        for path, item in (body.get("paths") or {}).items():
            for method, operation in item.items():
                if method == "parameters" or (method.startswith("x-") and method != "x-amazon-apigateway-any-method"):
                    continue
                verb = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
                integration = operation.get("x-amazon-apigateway-integration") or {}
                needs_key = any("api_key" in requirement for requirement in operation.get("security") or [])
                auth = authorization(operation, body)
                for stage in stages:
                    routes.append("%s %s %s -> %s key=%s auth=%s" % (stage, verb, path, target(integration, resources), str(needs_key).lower(), auth))
    for name, resource in resources.items():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::ApiGateway::UsagePlan":
            # Stage names once each: APIs that share a stage name share it here (one API id).
            stages = sorted(set(stage_names.get(ref(stage.get("Stage")), str(ref(stage.get("Stage")))) for stage in properties.get("ApiStages") or []))
            quota = properties.get("Quota")
            throttle = properties.get("Throttle")
            plans.append("%s stages=%s quota=%s throttle=%s" % (
                name, ",".join(stages),
                "%s/%s" % (number(quota["Limit"]), quota["Period"]) if quota else "-",
                "%s/%s" % (number(throttle["RateLimit"]), number(throttle["BurstLimit"])) if throttle else "-"))
        if resource.get("Type") == "AWS::ApiGateway::UsagePlanKey":
            keys.append("%s plan=%s" % (ref(properties["KeyId"]), ref(properties["UsagePlanId"])))
    return {"routes": sorted(routes), "plans": sorted(plans), "keys": sorted(keys)}


def main(paths):
    results = {}
    for path in paths:
        try:
            translated = transform(prepared(path), {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012"}, NoManagedPolicies())
            results[path] = routes_of(copy.deepcopy(translated))
        except (InvalidDocumentException, InvalidTemplateException, InvalidResourceException, InvalidEventException) as error:
            results[path] = {"error": str(error)}
        except Exception as error:  # the translator's own failure (a bug, a feature it needs AWS for): no verdict
            results[path] = {"crash": "%s: %s" % (type(error).__name__, error)}
    print(json.dumps(results, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])

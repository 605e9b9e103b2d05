"""Runs the real SAM transform (aws-sam-translator) on a template, offline.

Usage: python scripts/sam_transform.py TEMPLATE   (run by scripts/check-template, in its venv)

No AWS call is made: managed-policy names resolve through a stub loader (the template
uses none), every CodeUri becomes an S3 URI as `sam package` would make it, and the
region is fixed. On success it prints one line (resource count, authorized routes);
on failure the translator's message goes to stderr and the exit status is 1.
"""

import os
import sys

# The translator asks boto3 for a region (AWS::Region, AWS::Partition); nothing else.
os.environ["AWS_DEFAULT_REGION"] = "ap-northeast-1"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

API = "ShitadanApi"
AUTHORIZER = "CognitoAuthorizer"
# Every route the app calls, and the method it calls it with.
ROUTES = {"/convert": "post", "/jobs/{id}": "get", "/prefixes": "get"}


class NoManagedPolicies:
    """Stands in for the IAM ListPolicies call `sam validate` makes."""

    def load(self):
        return {}


def packaged(template):
    """Points every function at an S3 object, as `sam package` does after `sam build`."""
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource.setdefault("Properties", {})["CodeUri"] = "s3://bucket/key.zip"
    globals_function = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = "s3://bucket/key.zip"
    return template


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        fail("usage: sam_transform.py TEMPLATE")
    with open(sys.argv[1], encoding="utf-8") as f:
        template = packaged(yaml_parse(f.read()))

    try:
        output = transform(template, {}, NoManagedPolicies())
    except InvalidDocumentException as e:
        fail("; ".join(cause.message for cause in e.causes))

    resources = output["Resources"]
    api = resources.get(API)
    if not api or api.get("Type") != "AWS::ApiGateway::RestApi":
        fail(f"no AWS::ApiGateway::RestApi named {API} in the output")
    paths = api["Properties"]["Body"]["paths"]
    for path, method in ROUTES.items():
        operation = paths.get(path, {}).get(method)
        if operation is None:
            fail(f"{method.upper()} {path} is not in {API}")
        if operation.get("security") != [{AUTHORIZER: []}]:
            fail(f"{method.upper()} {path} has security {operation.get('security')!r}, not {AUTHORIZER}")
        # The CORS preflight stays open: a browser sends it without the token.
        preflight = paths[path].get("options")
        if preflight is None or preflight.get("security"):
            fail(f"OPTIONS {path} is missing or asks for a token")

    routes = ", ".join(f"{m.upper()} {p}" for p, m in ROUTES.items())
    print(f"{len(resources)} resources; {routes} need {AUTHORIZER}, OPTIONS does not")


if __name__ == "__main__":
    main()

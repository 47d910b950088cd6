"""Reads botocore's service models (what tools/aws-operations.py and tools/lambda-constraints.py
generate Swift tables from)."""
import gzip, json, os, botocore


def service_model(service, version):
    """The service model of botocore's data for `service` at API `version`."""
    path = os.path.join(os.path.dirname(botocore.__file__), "data", service, version, "service-2.json")
    opener = open
    if not os.path.exists(path):
        path += ".gz"
        opener = gzip.open
    with opener(path, "rt") as f:
        return json.load(f)

// The client is generated at build time from openapi.yaml by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

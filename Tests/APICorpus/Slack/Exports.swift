// The client is generated at build time from slack_web_openapi_v2_without_examples.json by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

// The client is generated at build time from uber.yaml by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

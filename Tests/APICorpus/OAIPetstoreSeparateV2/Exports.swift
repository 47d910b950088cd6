// The client is generated at build time from spec/swagger.yaml by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

// The client is generated at build time from uspto.yaml by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

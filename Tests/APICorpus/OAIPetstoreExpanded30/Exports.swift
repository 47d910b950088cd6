// The client is generated at build time from petstore-expanded.yaml by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

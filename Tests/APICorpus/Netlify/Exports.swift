// The client is generated at build time from swagger.yml by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

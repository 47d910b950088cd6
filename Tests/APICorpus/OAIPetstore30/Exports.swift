// The client is generated at build time from petstore.json by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

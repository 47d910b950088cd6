// The client is generated at build time from api-with-examples.json by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

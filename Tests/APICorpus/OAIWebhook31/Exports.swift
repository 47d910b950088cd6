// The client is generated at build time from webhook-example.json by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

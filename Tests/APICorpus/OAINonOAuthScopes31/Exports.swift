// The client is generated at build time from non-oauth-scopes.json by GenerateClientPlugin (generate-client.json).
@_exported import ClientRuntime

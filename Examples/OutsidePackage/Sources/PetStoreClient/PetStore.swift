// The client itself (Client.swift, Types.swift) is generated at build time by the toolkit's
// GenerateClientPlugin from PetStoreAPI.json, as generate-client.json says.
@_exported import ClientRuntime

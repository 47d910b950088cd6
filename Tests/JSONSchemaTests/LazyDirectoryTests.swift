import Foundation
import JSONCore
import JSONSchema
import Testing

@Suite("SchemaRegistry.addDirectory reads files when a schema needs them")
struct LazyDirectoryTests {
    @Test("an unrelated broken file stops nothing; a needed one is the error; ids in unread files still resolve")
    func lazy() throws {
        let directory = NSTemporaryDirectory() + "lazy-directory-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{"type": "object", "properties": {"id": {"$ref": "urn:example:identifier"}}}"#.write(toFile: directory + "/Thing.json", atomically: true, encoding: .utf8)
        try #"{"id": "urn:example:identifier", "type": "integer"}"#.write(toFile: directory + "/Common.json", atomically: true, encoding: .utf8)
        try "{ not JSON".write(toFile: directory + "/Broken.json", atomically: true, encoding: .utf8)
        try #"{"$ref": "Broken.json"}"#.write(toFile: directory + "/UsesBroken.json", atomically: true, encoding: .utf8)
        var registry = SchemaRegistry()
        try registry.addDirectory(atPath: directory)
        #expect(Set(registry.models.keys).isSuperset(of: ["Thing", "Common", "Broken", "UsesBroken"]))
        var compiler = SchemaCompiler(registry: registry)
        let thing = try compiler.compile(model: "Thing")
        #expect(try thing.isValid(try JSONParser.parse(#"{"id": 3}"#)))
        #expect(try !thing.isValid(try JSONParser.parse(#"{"id": "three"}"#)))
        #expect {
            _ = try compiler.compile(model: "UsesBroken")
        } throws: { error in
            "\(error)".contains("Broken.json")
        }
    }
}

import Foundation
import Testing

/// Every ```swift block of the README and of `docs/*.md` is one of the files in `Readme/` (or of
/// the outside package), verbatim, announced by `<!-- example: PATH -->` on the line before it;
/// and every file in `Readme/` is shown somewhere. So the documents show only code this target
/// compiles (and `RunReadmeExamples` runs).
@Suite("The Swift blocks of the README and the docs are the compiled example files")
struct ReadmeIsInSync {
    struct Block {
        /// 1-based line of the first line of code.
        let line: Int
        let path: String?
        let text: String
    }

    static func swiftBlocks(of readme: String) -> [Block] {
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("```") && line.dropFirst(3).trimmingCharacters(in: .whitespaces) == "swift" {
                var previous = index - 1
                while previous >= 0 && lines[previous].trimmingCharacters(in: .whitespaces).isEmpty { previous -= 1 }
                var path: String? = nil
                if previous >= 0, let match = lines[previous].firstMatch(of: /^<!-- example: (\S+) -->$/) { path = String(match.1) }
                var body: [String] = []
                index += 1
                while index < lines.count && !lines[index].hasPrefix("```") {
                    body.append(lines[index])
                    index += 1
                }
                blocks.append(Block(line: index - body.count + 1, path: path, text: body.joined(separator: "\n") + "\n"))
            }
            index += 1
        }
        return blocks
    }

    /// README.md, then every `docs/*.md`, as paths relative to the package root.
    static func documents() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/docs")
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return ["README.md"] + docs
    }

    @Test func everySwiftBlockIsAnExampleFileVerbatim() throws {
        var shown = Set<String>()
        let documents = try ReadmeIsInSync.documents()
        #expect(documents.count > 1, "no docs/*.md found")
        for document in documents {
            let text = try String(contentsOfFile: packageRoot + "/" + document, encoding: .utf8)
            for block in ReadmeIsInSync.swiftBlocks(of: text) {
                guard let path = block.path else {
                    Issue.record("\(document):\(block.line): a swift block without `<!-- example: Tests/ReadmeExamplesTests/Readme/NAME.swift -->` before it")
                    continue
                }
                let file = try String(contentsOfFile: packageRoot + "/" + path, encoding: .utf8)
                #expect(block.text == file, "\(document):\(block.line): the block differs from \(path) (python3 .ci/readme_sync.py copies it in)")
                shown.insert(path)
            }
        }
        #expect(!shown.isEmpty)
        let directory = "Tests/ReadmeExamplesTests/Readme"
        for name in try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/" + directory) where name.hasSuffix(".swift") {
            #expect(shown.contains(directory + "/" + name), "\(directory)/\(name) is shown neither in the README nor in docs/")
        }
    }

    @Test func blocksAreFoundWithTheirAnnouncements() {
        let text = "a\n<!-- example: X.swift -->\n\n```swift\nlet x = 1\n```\n```swift\ny\n```\n"
        let blocks = ReadmeIsInSync.swiftBlocks(of: text)
        #expect(blocks.count == 2)
        #expect(blocks.first?.path == "X.swift")
        #expect(blocks.first?.text == "let x = 1\n")
        #expect(blocks.first?.line == 5)
        #expect(blocks.last?.path == nil)
    }
}

import CommandSupport
import APIModel
import ClientGenerator
import JSONCore
import YAMLCore

#if canImport(Glibc)
import Glibc
#endif

/// `generate-client`: writes the typed Swift client for an API definition, or checks that the
/// committed one is current.
public enum GenerateCommand {
    static let help = """
        Usage: generate-client [options]

        Generates a typed Swift client (async/await, Codable, typed errors) from an OpenAPI 3.0 or
        3.1 or Swagger 2.0 definition (JSON or YAML), its API Gateway extensions and the draft-04
        models it references.

        Options:
          --api FILE       the definition (default: Schemas/ItemsAPI.json)
          --output DIR     where the sources go (default: Generated/ItemsClient)
          --name NAME      the client type (default: from the title, ItemsAPI → ItemsClient)
          --decimal        JSON numbers become Decimal instead of Double
          --nested-types   declare the models inside the client type (PetsClient.Pet): several
                           clients in one target, or a module named like its client
          --type-files N   write the models to N files (Types.swift, Types2.swift, …; 1 to 256,
                           default 1) of about equal size, so that a large API compiles on
                           several cores
          --check          write nothing; exit 1 with a diff when DIR is not what would be generated
          --no-warnings    print no warnings (what the client cannot express); errors still print

        Exit status: 0 written (or current), 1 stale (--check), 2 bad definition or usage.

        """

    /// The command line that regenerates the bundled client (named in generated headers).
    public static let defaultCommand = "swift run generate-client"

    /// Runs the command; returns the exit status.
    public static func run(arguments: [String], io: CommandIO) -> Int32 {
        var apiPath = "Schemas/ItemsAPI.json"
        var output = "Generated/ItemsClient"
        var name: String?
        var options = GeneratorOptions()
        var check = false
        var quiet = false
        var scanner = ArgumentScanner(arguments)
        var extra: [String] = []
        while let argument = scanner.next() {
            let (option, inline) = ArgumentScanner.split(argument)
            switch option {
            case "-h", "--help":
                io.print(help)
                return 0
            case "--api", "--output", "--name":
                guard let value = inline ?? scanner.value() else { return usage("\(option) needs a value", io: io) }
                if option == "--api" { apiPath = value } else if option == "--output" { output = value } else { name = value }
                // The header names the options that differ from the defaults (so the bundled
                // client's header is the same however its paths were spelled).
                let defaultValue = option == "--api" ? "Schemas/ItemsAPI.json" : option == "--output" ? "Generated/ItemsClient" : nil
                if defaultValue.map({ FileSystem.absolute($0) != FileSystem.absolute(value) }) ?? true { extra += [option, value] }
            case "--decimal":
                options.numbersAsDecimal = true
                extra.append(option)
            case "--nested-types":
                options.nestedTypes = true
                extra.append(option)
            case "--type-files":
                guard let value = inline ?? scanner.value() else { return usage("--type-files needs a value", io: io) }
                guard let count = Int(value), (1...256).contains(count) else { return usage("--type-files takes a number from 1 to 256, not \(value)", io: io) }
                options.typeFiles = count
                if count > 1 { extra += [option, value] }
            case "--check": check = true
            case "--no-warnings": quiet = true
            default: return usage("unexpected argument \(argument)", io: io)
            }
        }
        if let name, let problem = ClientGenerator.problem(withClientName: name) { return usage(problem, io: io) }
        let files: [GeneratedFile]
        do {
            let (apiFile, documents) = try DefinitionFiles.load(definitionPath: apiPath)
            let generated = try ClientGenerator.generateReporting(
                documents: documents, apiFile: apiFile, clientName: name, options: options, command: ([defaultCommand] + extra).joined(separator: " "))
            files = generated.files
            for warning in quiet ? [] : located(generated.warnings, besides: apiPath) { io.printError("generate-client: warning: \(warning)\n") }
        } catch let error as GeneratorError {
            io.printError("generate-client: \(located([error], besides: apiPath)[0])\n")
            return 2
        } catch {
            io.printError("generate-client: \(error)\n")
            return 2
        }
        if check {
            let stale = staleFiles(files, in: output)
            if stale.isEmpty {
                io.print("generate-client: \(output) is up to date\n")
                return 0
            }
            for report in stale { io.printError(report) }
            io.printError("generate-client: \(output) is stale; regenerate with: \(([defaultCommand] + extra).joined(separator: " "))\n")
            return 1
        }
        if let failure = FileSystem.makeDirectories(output) {
            io.printError("generate-client: cannot create the output directory \(output): \(failure)\n")
            return 2
        }
        var written = 0
        for file in files {
            let path = output + "/" + file.name
            let bytes = Array(file.contents.utf8)
            if FileReader.read(path: path) == bytes { continue }
            if let failure = FileSystem.writeFile(bytes, to: path) {
                io.printError("generate-client: cannot write \(path): \(failure)\n")
                return 2
            }
            written += 1
        }
        io.print("generate-client: \(written) of \(files.count) files written to \(output)\n")
        return 0
    }

    static func usage(_ message: String, io: CommandIO) -> Int32 {
        io.printError("generate-client: \(message)\nTry 'generate-client --help' for more information.\n")
        return 2
    }

    /// `messages` with the line and column of their pointers in their files (named relative
    /// to the definition's directory), in the same order; each file is read once.
    static func located(_ messages: [GeneratorError], besides apiPath: String) -> [GeneratorError] {
        let directory = apiPath.contains("/") ? String(apiPath[..<apiPath.lastIndex(of: "/")!]) : "."
        var result = messages
        let byFile = Dictionary(grouping: messages.indices.filter { index in
            let message = messages[index]
            return message.position == nil && (!message.pointer.isEmpty || message.file.hasSuffix(".json"))
        }, by: { messages[$0].file })
        for (file, indices) in byFile {
            guard let bytes = FileReader.read(path: file.hasPrefix("/") ? file : directory + "/" + file) else { continue }
            for (index, located) in zip(indices, GeneratorError.located(indices.map { messages[$0] }, in: bytes)) {
                result[index] = located
            }
        }
        return result
    }

    /// For each file that differs from `directory`'s copy: a report with the first differing lines.
    public static func staleFiles(_ files: [GeneratedFile], in directory: String) -> [String] {
        var reports: [String] = []
        for file in files {
            let path = directory + "/" + file.name
            guard let bytes = FileReader.read(path: path) else {
                reports.append("missing: \(path)\n")
                continue
            }
            let current = String(decoding: bytes, as: UTF8.self)
            guard current != file.contents else { continue }
            reports.append("stale: \(path)\n" + lineDiff(old: current, new: file.contents))
        }
        return reports
    }

    /// A short diff: the lines that differ (`-` committed, `+` generated), at most 40.
    static func lineDiff(old: String, new: String) -> String {
        let oldLines = old.split(separator: "\n", omittingEmptySubsequences: false)
        let newLines = new.split(separator: "\n", omittingEmptySubsequences: false)
        var prefix = 0
        while prefix < min(oldLines.count, newLines.count) && oldLines[prefix] == newLines[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(oldLines.count, newLines.count) - prefix && oldLines[oldLines.count - 1 - suffix] == newLines[newLines.count - 1 - suffix] { suffix += 1 }
        var text = "@@ line \(prefix + 1) @@\n"
        let removed = oldLines[prefix..<(oldLines.count - suffix)]
        let added = newLines[prefix..<(newLines.count - suffix)]
        for line in removed.prefix(20) { text += "-\(line)\n" }
        if removed.count > 20 { text += "-… (\(removed.count - 20) more)\n" }
        for line in added.prefix(20) { text += "+\(line)\n" }
        if added.count > 20 { text += "+… (\(added.count - 20) more)\n" }
        return text
    }
}

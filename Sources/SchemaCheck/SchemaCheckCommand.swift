import CommandSupport
import Dispatch
import Synchronization
import JSONCore
import JSONSchema
import YAMLCore

/// `schema-check [options] FILE...`: validates JSON and YAML payloads against a draft-04 model.
///
/// Exit status: 0 every payload valid, 1 at least one invalid, 2 usage error, unreadable
/// file, malformed JSON or an invalid/unresolvable schema.
public enum SchemaCheckCommand {
    /// The tool's version.
    public static let version = "0.1.0"

    /// The `--help` text.
    public static let help = """
        Usage: schema-check [options] FILE|DIR|GLOB...

        Validates JSON and YAML payloads against a JSON Schema draft-04 model (YAML 1.2's core
        schema; a file of several YAML documents is one result per document, FILE#N).

        Options:
          -s, --schema NAME|PATH   the model to validate against: a model name (Items finds
                                   Items.json in the schema directory) or a schema file path
              --map GLOB=NAME|PATH the model for payloads whose path matches GLOB (repeatable;
                                   the first match wins, -s is the fallback)
          -d, --schemas DIR        the models directory; every *.json, *.yaml and *.yml in it
                                   is loaded and resolvable by $ref (default: Schemas)
              --map-url PREFIX=DIR read a $ref to a URL starting with PREFIX from DIR + the rest
                                   of the URL (repeatable); nothing is fetched over the network
              --exclude GLOB       leave out payload files whose path, or a directory they are
                                   in, matches GLOB (repeatable)
              --format FORMAT      text (default), json, github (workflow-command annotations),
                                   junit (JUnit XML) or sarif (SARIF 2.1.0)
              --no-format-assertions
                                   treat "format" as an annotation only
              --max-steps N        steps one payload's validation may take (default: 10
                                   million, or 64 per byte of the payload when more); a
                                   payload that needs more is reported as undecided
              --input-format F     what standard input holds: json, yaml, or auto (default:
                                   JSON, then YAML when it is not JSON); files go by their
                                   names (*.yaml and *.yml are YAML)
              --max-bytes N        the largest payload read, in bytes or with a K, M or G
                                   suffix (default 1G); a larger file or standard input is
                                   refused unread (exit 2)
          -h, --help               show this help
              --version            show the version
          -                        read a payload from standard input

        Payloads: files; directories (every *.json, *.yaml and *.yml below them); glob patterns, quoted so the
        shell leaves them alone, with * ? [abc] in a name and ** for any directories
        ('fixtures/**/*.json'). Expanded in sorted order; names starting with . are skipped
        below them unless the pattern spells the dot ('**/.config/*.json').

        Errors carry the line and column of the failing value:
          FILE:LINE:COL: /0/price: expected number, found string "4.25"  [items/properties/price/type]

        Exit status: 0 all valid, 1 some payload invalid, 2 usage error, unreadable file,
        a directory or glob with no payload in it, malformed JSON, a payload undecided
        within --max-steps, or an invalid or unresolvable schema.

        Examples:
          schema-check -s Items payload.json
          schema-check -s Item --format json item1.json item2.json
          schema-check --map 'fixtures/items/*.json=Items' --map 'fixtures/item/*.json=Item' fixtures
          schema-check -s Item --format github 'fixtures/**/*.json'
          curl -s "$URL/items" | schema-check -s Items -

        """

    /// How results are written.
    enum OutputFormat: String, CaseIterable {
        case text, json, github, junit, sarif
    }

    struct Options {
        var schema: String?
        var schemasDirectory = "Schemas"
        var schemasDirectoryGiven = false
        var mappings: [(String, String)] = []
        var maps: [(glob: PathGlob, schema: String)] = []
        var excludes: [PathGlob] = []
        var format = OutputFormat.text
        var formatAssertions = true
        var maximumSteps: Int? = nil
        var maximumBytes = PayloadChecker.defaultMaximumBytes
        var inputFormat = PayloadChecker.InputFormat.auto
        var files: [String] = []
    }

    enum Parsed {
        case run(Options)
        case exit(Int32)
    }

    /// Runs the command; returns the exit status.
    public static func run(arguments: [String], io: CommandIO) -> Int32 {
        switch parse(arguments, io: io) {
        case .exit(let status): return status
        case .run(let options): return execute(options, io: io)
        }
    }

    /// `schema-check: MESSAGE` on standard error, shown, never obeyed (file names and payload
    /// keys in it may hold control characters: see `SchemaCheckReport.visible`).
    static func complain(_ message: String, io: CommandIO) {
        io.printError("schema-check: \(SchemaCheckReport.visible(message))\n")
    }

    static func usageError(_ message: String, io: CommandIO) -> Parsed {
        complain(message, io: io)
        io.printError("Try 'schema-check --help' for more information.\n")
        return .exit(2)
    }

    static func parse(_ arguments: [String], io: CommandIO) -> Parsed {
        var options = Options()
        var scanner = ArgumentScanner(arguments)
        while let argument = scanner.next() {
            if scanner.onlyOperands || argument == "-" || !argument.hasPrefix("-") {
                options.files.append(argument)
                continue
            }
            let (name, inlineValue) = ArgumentScanner.split(argument)
            func value() -> String? { inlineValue ?? scanner.value() }
            switch name {
            case "-h", "--help":
                io.print(help)
                return .exit(0)
            case "--version":
                io.print("schema-check \(version)\n")
                return .exit(0)
            case "-s", "--schema":
                guard let text = value() else { return usageError("\(name) needs a model name or schema path", io: io) }
                options.schema = text
            case "-d", "--schemas":
                guard let text = value() else { return usageError("\(name) needs a directory", io: io) }
                options.schemasDirectory = text
                options.schemasDirectoryGiven = true
            case "--map-url":
                guard let text = value(), let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                    return usageError("--map-url needs PREFIX=DIR", io: io)
                }
                options.mappings.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            case "--format":
                guard let text = value(), let format = OutputFormat(rawValue: text) else {
                    return usageError("--format must be one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))", io: io)
                }
                options.format = format
            case "--map":
                guard let text = value(), let equals = text.lastIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                    return usageError("--map needs GLOB=NAME|PATH", io: io)
                }
                options.maps.append((PathGlob(String(text[..<equals])), String(text[text.index(after: equals)...])))
            case "--exclude":
                guard let text = value(), !text.isEmpty else { return usageError("--exclude needs a glob", io: io) }
                options.excludes.append(PathGlob(text))
            case "--input-format":
                guard let text = value(), let format = PayloadChecker.InputFormat(rawValue: text) else {
                    return usageError("--input-format is json, yaml or auto", io: io)
                }
                options.inputFormat = format
            case "--no-format-assertions":
                options.formatAssertions = false
            case "--max-steps":
                guard let text = value(), let steps = Int(text), steps > 0 else {
                    return usageError("--max-steps needs a positive number of steps", io: io)
                }
                options.maximumSteps = steps
            case "--max-bytes":
                guard let text = value(), let bytes = byteCount(text) else {
                    return usageError("--max-bytes needs a positive number of bytes (a K, M or G suffix may follow)", io: io)
                }
                options.maximumBytes = bytes
            default:
                return usageError("unknown option \(name)", io: io)
            }
        }
        guard options.schema != nil || !options.maps.isEmpty else { return usageError("no schema given (use -s NAME|PATH or --map GLOB=NAME)", io: io) }
        guard !options.files.isEmpty else { return usageError("no payload files given (use - for standard input)", io: io) }
        return .run(options)
    }

    /// `N`, `NK`, `NM` or `NG` (powers of 1024) as a positive byte count; nil otherwise.
    static func byteCount(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30, "g": 1 << 30]
        var digits = Substring(text), unit = 1
        if let last = text.last, let scale = units[last] {
            digits = text.dropLast()
            unit = scale
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let count = Int(digits), count > 0 else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }

    // MARK: - Running

    /// The registry every model of a run resolves in.
    static func loadRegistry(_ options: Options) throws(SchemaLoadError) -> SchemaRegistry {
        var registry = SchemaRegistry()
        if options.schemasDirectoryGiven || FileSystem.isDirectory(options.schemasDirectory) {
            try registry.addDirectory(atPath: options.schemasDirectory)
        }
        for (prefix, directory) in options.mappings { registry.mapURL(prefix: prefix, toDirectory: directory) }
        return registry
    }

    /// Compiles `schema` (a model name or a schema file path).
    static func loadSchema(_ schema: String, registry: inout SchemaRegistry, options: Options) throws(SchemaLoadError) -> CompiledSchema {
        let looksLikePath = schema.contains("/") || schema.hasSuffix(".json")
        var uri: String? = nil
        if looksLikePath || registry.models[schema] == nil {
            if FileSystem.isFile(schema) {
                uri = try registry.addFile(atPath: schema)
                // Relative `$ref`s in a schema file name files beside it (or anywhere below
                // `/`), read when the compiler reaches them, as check-jsonschema reads them.
                registry.mapURL(prefix: "file:///", toDirectory: "/")
            } else if looksLikePath {
                throw SchemaLoadError(kind: .unreadable, source: schema, message: "cannot read the schema file")
            }
        }
        var compiler = SchemaCompiler(registry: registry, formatAssertions: options.formatAssertions)
        if let uri { return try compiler.compile(uri: uri) }
        guard registry.models[schema] != nil else {
            guard options.schemasDirectoryGiven || FileSystem.isDirectory(options.schemasDirectory) else {
                throw SchemaLoadError(
                    kind: .notFound, source: schema,
                    message: "no model named \(JSONWriter.quoted(schema)): there is no \(options.schemasDirectory) directory here to hold models; "
                        + "name the models directory with -d DIR, or the schema file with -s FILE")
            }
            let names = registry.models.keys.sorted()
            let hint = Suggestion.closest(to: schema, among: names)
            throw SchemaLoadError(
                kind: .notFound, source: schema,
                message: "no model named \(JSONWriter.quoted(schema)) in \(options.schemasDirectory)"
                    + (hint.map { " (did you mean \(JSONWriter.quoted($0))?)" } ?? "")
                    + (names.isEmpty ? " (it holds no *.json model)" : " (models: \(names.joined(separator: ", ")))"))
        }
        return try compiler.compile(model: schema)
    }

    static func execute(_ options: Options, io: CommandIO) -> Int32 {
        let standardInput: FileReader.BoundedRead? = options.files.contains("-") ? io.readStandardInputAtMost(options.maximumBytes) : nil
        guard let first = execute(options, io: io, standardInput: standardInput, checkingJSONNames: false) else { return 2 }
        // A directory named like a payload (`fixtures.json/`) was taken for a file: expand again.
        let missedDirectory = first.results.contains { result in
            if case .failed = result.outcome { return FileSystem.isDirectory(result.file) }
            return false
        }
        let report = missedDirectory ? execute(options, io: io, standardInput: standardInput, checkingJSONNames: true) : first
        guard let report else { return 2 }
        switch options.format {
        case .text: io.print(report.text(colour: io.outputIsTerminal))
        case .json: io.print(report.json())
        case .github: io.print(report.github())
        case .junit: io.print(report.junit())
        case .sarif: io.print(report.sarif())
        }
        for result in report.results {
            if case .failed(let message) = result.outcome { complain(message, io: io) }
        }
        return report.exitStatus
    }

    /// Expands the operands, loads the models and checks every payload; nil (after saying
    /// why on standard error) on a usage or schema error.
    static func execute(_ options: Options, io: CommandIO, standardInput: FileReader.BoundedRead?, checkingJSONNames: Bool) -> SchemaCheckReport? {
        // The payload files: directories and globs expanded, exclusions left out. An operand
        // that gives no file is a failed result of its own, in its place: one bad operand never
        // hides the other files' results.
        let (files, unmatched) = PayloadFiles.expand(options.files, excluding: options.excludes, checkingJSONNames: checkingJSONNames)
        // Each file's schema: the first --map that matches, else -s.
        var names: [String] = []
        for file in files {
            guard let name = options.maps.first(where: { $0.glob.matches(file) })?.schema ?? options.schema else {
                complain("no schema for \(file): no --map matches it and no -s was given", io: io)
                return nil
            }
            names.append(name)
        }
        var compiled: [String: CompiledSchema] = [:]
        do {
            var registry = try loadRegistry(options)
            for name in names where compiled[name] == nil { compiled[name] = try loadSchema(name, registry: &registry, options: options) }
        } catch {
            complain(error.description, io: io)
            return nil
        }
        let jobs = zip(files, names).map { PayloadChecker.Job(file: $0, schema: compiled[$1]!, schemaName: $1) }
        var results = PayloadChecker.check(
            jobs, input: standardInput, streamingThreshold: PayloadChecker.streamingThreshold, maximumSteps: options.maximumSteps,
            maximumBytes: options.maximumBytes, standardInputFormat: options.inputFormat)
        for (offset, operand) in unmatched.enumerated() {
            var result = PayloadChecker.Result(file: operand.operand, outcome: .failed(operand.message))
            result.schema = options.maps.first(where: { $0.glob.matches(operand.operand) })?.schema ?? options.schema ?? ""
            results.insert(result, at: operand.position + offset)
        }
        return SchemaCheckReport(results: results)
    }
}

/// Validates many payload files concurrently, keeping input order.
public enum PayloadChecker {
    /// What a payload's text is.
    public enum InputFormat: String, Sendable {
        case json, yaml
        /// JSON, then YAML when it is not JSON.
        case auto

        /// A file's format by its name: YAML for `*.yaml`/`*.yml`, JSON for `*.json`, else `auto`.
        static func of(_ file: String) -> InputFormat {
            let lower = file.lowercased()
            if DocumentText.format(ofPath: lower) == .yaml { return .yaml }
            return lower.hasSuffix(".json") ? .json : .auto
        }
    }

    /// What happened to one payload.
    public enum Outcome: Sendable {
        case checked([ValidationError])
        /// Unreadable or malformed; the message names the file (and line:column).
        case failed(String)
    }

    /// One payload's result.
    public struct Result: Sendable {
        /// The file name as given (`-` is standard input).
        public let file: String
        /// The schema it was checked against (as named on the command line).
        public var schema: String = ""
        /// The outcome.
        public let outcome: Outcome
        /// Where each failing value is in the file (errors and their causes), by instance location.
        public var positions: [JSONPointer: JSONPositions.Position] = [:]
        /// Where a malformed file stops parsing.
        public var failurePosition: JSONPositions.Position? = nil
        /// Wall-clock seconds spent reading and checking the payload (JUnit's `time`).
        public var seconds: Double = 0
        /// The document's number (from 1) in a YAML file of several documents; nil otherwise.
        public var document: Int? = nil

        /// The result's name in reports: the file, or `FILE#N` for document N of several.
        public var name: String { file + (document.map { "#\($0)" } ?? "") }

        /// A result.
        public init(file: String, outcome: Outcome) {
            self.file = file
            self.outcome = outcome
        }
    }

    /// One payload to check, and its schema.
    public struct Job: Sendable {
        public var file: String
        public var schema: CompiledSchema
        /// The schema's name as given (reports group by it).
        public var schemaName: String

        public init(file: String, schema: CompiledSchema, schemaName: String) {
            self.file = file
            self.schema = schema
            self.schemaName = schemaName
        }
    }

    /// Payloads at least this large whose top level is an array are validated element by
    /// element while parsing (when the schema allows), so the document is never held whole.
    public static let streamingThreshold = 1 << 20

    /// The largest payload read unless told otherwise (1 GiB): a larger file, or standard
    /// input that goes on past it, is a failed result naming the limit, never read whole.
    public static let defaultMaximumBytes = 1 << 30

    /// Checks `files` (reading `-` from `standardInput`) on all cores; results in input order.
    public static func check(
        files: [String], schema: CompiledSchema, standardInput: [UInt8]?, streamingThreshold: Int = streamingThreshold,
        maximumSteps: Int? = nil, maximumBytes: Int = defaultMaximumBytes
    ) -> [Result] {
        check(
            files.map { Job(file: $0, schema: schema, schemaName: "schema") }, standardInput: standardInput, streamingThreshold: streamingThreshold,
            maximumSteps: maximumSteps, maximumBytes: maximumBytes)
    }

    /// Checks each job's file against its schema on all cores; results in input order.
    public static func check(
        _ jobs: [Job], standardInput: [UInt8]?, streamingThreshold: Int = streamingThreshold, maximumSteps: Int? = nil,
        maximumBytes: Int = defaultMaximumBytes
    ) -> [Result] {
        let input = standardInput.map { $0.count > maximumBytes ? FileReader.BoundedRead.tooLarge : .bytes($0) }
        return check(jobs, input: input, streamingThreshold: streamingThreshold, maximumSteps: maximumSteps, maximumBytes: maximumBytes)
    }

    static func check(
        _ jobs: [Job], input standardInput: FileReader.BoundedRead?, streamingThreshold: Int, maximumSteps: Int?, maximumBytes: Int,
        standardInputFormat: InputFormat = .auto
    ) -> [Result] {
        guard !jobs.isEmpty else { return [] }
        let slots = ResultSlots(count: jobs.count)
        let workers = min(jobs.count, max(1, System.activeProcessorCount))
        // Workers take batches as they go (a large file or a busy core does not hold the rest up).
        let next = Atomic<Int>(0)
        let batch = max(1, min(64, jobs.count / (workers * 8)))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let start = next.wrappingAdd(batch, ordering: .relaxed).oldValue
                guard start < jobs.count else { return }
                for index in start..<min(jobs.count, start + batch) {
                    let started = ContinuousClock.now
                    var results = checkOne(
                        jobs[index].file, schema: jobs[index].schema, standardInput: standardInput, streamingThreshold: streamingThreshold,
                        maximumSteps: maximumSteps, maximumBytes: maximumBytes, standardInputFormat: standardInputFormat)
                    let elapsed = started.duration(to: .now).components
                    let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
                    for position in results.indices {
                        results[position].schema = jobs[index].schemaName
                        results[position].seconds = seconds / Double(results.count)
                    }
                    slots.set(index, results)
                }
            }
        }
        return slots.values()
    }

    /// One payload's results: one, or one per document of a YAML file holding several.
    static func checkOne(
        _ file: String, schema: CompiledSchema, standardInput: FileReader.BoundedRead?, streamingThreshold: Int, maximumSteps: Int?,
        maximumBytes: Int, standardInputFormat: InputFormat = .auto
    ) -> [Result] {
        let bytes: [UInt8]
        switch file == "-" ? standardInput ?? .unreadable : FileReader.read(path: file, atMost: maximumBytes) {
        case .bytes(let read): bytes = read
        case .unreadable:
            return [Result(file: file, outcome: .failed(
                file == "-" ? "<stdin>: cannot read standard input" : "\(file): cannot read the file: \(FileReader.whyUnreadable(path: file))"))]
        case .tooLarge:
            return [Result(file: file, outcome: .failed(
                "\(SchemaCheckReport.displayName(file)): larger than \(maximumBytes) bytes, the most --max-bytes lets a payload be; not read"))]
        }
        var format = file == "-" ? standardInputFormat : InputFormat.of(file)
        if format == .auto {
            // JSON first; YAML when the text is not JSON (and then reads as YAML).
            if (try? JSONParser().parse(bytes)) != nil {
                format = .json
            } else if (try? YAMLReader().documents(bytes)) != nil {
                format = .yaml
            } else {
                format = .json
            }
        }
        if format == .yaml {
            if bytes.count >= streamingThreshold, let elementwise = schema.elementwise,
                streamedYAMLIsValid(bytes, elementwise: elementwise, maximumSteps: maximumSteps)
            {
                return [Result(file: file, outcome: .checked([]))]
            }
            return checkYAML(bytes, file: file, schema: schema, maximumSteps: maximumSteps)
        }
        var result = checkBytes(bytes, file: file, schema: schema, streamingThreshold: streamingThreshold, maximumSteps: maximumSteps)
        // Positions only for payloads that failed: a second pass over the same bytes.
        if case .checked(let errors) = result.outcome, !errors.isEmpty {
            result.positions = JSONPositions.locate(SchemaCheckReport.flattened(errors).map(\.instanceLocation), in: bytes)
        }
        return [result]
    }

    /// The common case of a large YAML payload first: a top-level sequence of the common shape
    /// read on all cores, each element checked as it is read and then dropped (the document is
    /// never held whole). True only when every element is valid and the array's own limits
    /// hold; anything else (an error, another shape) takes the exact path, which reports.
    static func streamedYAMLIsValid(_ bytes: [UInt8], elementwise: ElementwiseValidation, maximumSteps: Int?) -> Bool {
        let limits = maximumSteps.map { ValidationLimits(steps: $0) } ?? .default
        let outcome = YAMLReader().streamTopLevelSequence(bytes, parts: System.activeProcessorCount) { element in
            var budget = ValidationBudget(limits: limits)
            guard let errors = try? elementwise.errors(element: element, at: 0, budget: &budget) else { return false }
            return errors.isEmpty
        }
        guard case .all(let count) = outcome else { return false }
        return elementwise.errors(count: count).isEmpty
    }

    /// A YAML payload: each document checked (`FILE#N` when there are several), positions read
    /// again for the documents that failed.
    static func checkYAML(_ bytes: [UInt8], file: String, schema: CompiledSchema, maximumSteps: Int?) -> [Result] {
        let name = file == "-" ? "<stdin>" : file
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader().documents(bytes)
        } catch {
            var result = Result(file: file, outcome: .failed("\(name):\(error.line):\(error.column): \(error.message)"))
            result.failurePosition = error.position
            return [result]
        }
        let limits = maximumSteps.map { ValidationLimits(steps: $0) } ?? .forPayload(bytes: bytes.count)
        let values = documents.isEmpty ? [JSONValue.null] : documents.map(\.value)
        var positioned: [YAMLDocument]? = nil
        var results: [Result] = []
        for (index, value) in values.enumerated() {
            let document = values.count > 1 ? index + 1 : nil
            do throws(ValidationLimitExceeded) {
                let errors = try schema.validate(value, limits: limits)
                var result = Result(file: file, outcome: .checked(errors))
                result.document = document
                if !errors.isEmpty {
                    if positioned == nil { positioned = try? YAMLReader(options: YAMLReader.Options(recordPositions: true)).documents(bytes) }
                    if let all = positioned, index < all.count {
                        for error in SchemaCheckReport.flattened(errors) {
                            result.positions[error.instanceLocation] = all[index].position(nearest: error.instanceLocation)
                        }
                    }
                }
                results.append(result)
            } catch {
                var result = Result(file: file, outcome: .failed("\(name)\(document.map { "#\($0)" } ?? ""): \(error.description)"))
                result.document = document
                results.append(result)
            }
        }
        return results
    }

    static func checkBytes(_ bytes: [UInt8], file: String, schema: CompiledSchema, streamingThreshold: Int, maximumSteps: Int?) -> Result {
        let name = file == "-" ? "<stdin>" : file
        let limits = maximumSteps.map { ValidationLimits(steps: $0) } ?? .forPayload(bytes: bytes.count)
        func undecided(_ error: ValidationLimitExceeded) -> Result {
            Result(file: file, outcome: .failed("\(name): \(error.description)"))
        }
        do throws(JSONSyntaxError) {
            if bytes.count >= streamingThreshold, let elementwise = schema.elementwise {
                // The common case first: valid, checked on all cores while parsing. Anything
                // else (errors, a syntax error, a limit) takes the sequential pass below, which
                // gives the exact report.
                let valid = bytes.withUnsafeBufferPointer { elementwise.isValid(streaming: $0, limits: limits) }
                if valid == true { return Result(file: file, outcome: .checked([])) }
                var errors: [ValidationError] = []
                var count = 0
                var budget = ValidationBudget(limits: limits)
                var exceeded: ValidationLimitExceeded? = nil
                let streamed = try JSONParser().forEachElement(in: bytes) { index, element in
                    count = index + 1
                    guard exceeded == nil else { return }
                    do throws(ValidationLimitExceeded) {
                        errors += try elementwise.errors(element: element, at: index, budget: &budget)
                    } catch {
                        exceeded = error
                    }
                }
                if let exceeded { return undecided(exceeded) }
                if streamed { return Result(file: file, outcome: .checked(errors + elementwise.errors(count: count))) }
            }
            let value = try JSONParser().parse(bytes)
            do throws(ValidationLimitExceeded) {
                return Result(file: file, outcome: .checked(try schema.validate(value, limits: limits)))
            } catch {
                return undecided(error)
            }
        } catch {
            var result = Result(file: file, outcome: .failed("\(name):\(error.line):\(error.column): \(error.message)"))
            result.failurePosition = JSONPositions.Position(line: error.line, column: error.column)
            return result
        }
    }
}

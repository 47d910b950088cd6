/// The package's fuzz targets: each takes arbitrary bytes, runs one part of the toolkit on
/// them with small limits, and checks invariants that must hold for every input (a broken
/// invariant stops the process, which the fuzzer reports as a finding). The same functions
/// replay the seed corpora in the tests and in CI.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `JSONParser`: parse, write, parse again; streaming agrees with whole-document parsing.
    case json
    /// `SchemaCompiler` + validation: schema and instance both from the input.
    case schema
    /// `VelocityParser` + renderer through `MappingTemplate`: template and body from the input.
    case velocity
    /// `RequestParser`: the same bytes fed at once and in pieces give the same requests.
    case http
    /// `YAMLReader`: what it returns reads back the same as JSON and as the YAML it writes.
    case yaml
    /// `ZipArchive` and `Inflate`: within their limits, entries at their declared sizes, no
    /// path out of the directory.
    case zip
    /// IAM policies (authorizer answers, resource policies): Deny wins, decisions are stable.
    case policy
    /// JSON Web Tokens (Cognito): read or refused alike, only the key's own token verifies.
    case jwt

    /// Runs the target on one input.
    public func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .json: JSONFuzzing.run(bytes)
        case .schema: SchemaFuzzing.run(bytes)
        case .velocity: VelocityFuzzing.run(bytes)
        case .http: HTTPFuzzing.run(bytes)
        case .yaml: YAMLFuzzing.run(bytes)
        case .zip: ZipFuzzing.run(bytes)
        case .policy: PolicyFuzzing.run(bytes)
        case .jwt: TokenFuzzing.run(bytes)
        }
    }

    /// Runs the target on one input.
    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { run($0) }
    }
}

/// Stops the process with `message` when `condition` is false: an invariant the fuzzer
/// must report (a `precondition` that also holds in release builds, with a message).
@inline(__always)
func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz invariant broken: " + message()) }
}

/// The two parts of an input made of two documents: before and after the first zero byte
/// (all of it and nothing when there is none).
func split(_ bytes: UnsafeBufferPointer<UInt8>) -> ([UInt8], [UInt8]) {
    guard let zero = bytes.firstIndex(of: 0) else { return (Array(bytes), []) }
    return (Array(bytes[..<zero]), Array(bytes[(zero + 1)...]))
}

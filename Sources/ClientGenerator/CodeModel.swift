/// A Swift type as the generated code spells it.
public indirect enum SwiftType: Sendable, Equatable {
    /// A type by name: a generated type, `String`, `Int`, `Double`, `Decimal`, `Bool`, `AnyJSON`.
    case named(String)
    /// `[Element]`.
    case array(SwiftType)
    /// `[String: Value]`.
    case dictionary(SwiftType)

    /// The spelling (`[Item]`).
    public var spelling: String {
        switch self {
        case .named(let name): return name
        case .array(let element): return "[\(element.spelling)]"
        case .dictionary(let value): return "[String: \(value.spelling)]"
        }
    }
}

/// A stored property of a generated struct.
public struct PropertyDeclaration: Sendable, Equatable {
    /// The Swift name (may be back-quoted: `` `default` ``).
    public var swiftName: String
    /// The JSON member name.
    public var wireName: String
    /// The type, without the optional.
    public var type: SwiftType
    /// In `required`: non-optional.
    public var isRequired: Bool
    /// From `description` or `title`.
    public var documentation: String?
    /// On a cycle of models that contain each other: stored out of line (`@Indirect`).
    public var isIndirect = false
    /// `readOnly: true`: the server sets it; the client never sends it (a value read from an
    /// answer and sent back leaves it out).
    public var isReadOnly = false
    /// `deprecated: true`: `@available(*, deprecated)` (kept in a private stored property,
    /// so the generated code itself raises no warning).
    public var isDeprecated = false
    /// The schema's `default` as a Swift literal: the initializer's default argument, and the
    /// value an absent member decodes to.
    public var defaultValue: String? = nil
}

/// One alternative of a `oneOf`/`anyOf` enum.
public struct AlternativeCase: Sendable, Equatable {
    /// The case name.
    public var name: String
    /// The associated value's type.
    public var type: SwiftType
    /// The discriminator values that select this case (empty without a discriminator).
    public var tags: [String] = []
}

/// A generated type.
public struct TypeDeclaration: Sendable, Equatable {
    /// What kind of type.
    public enum Kind: Sendable, Equatable {
        /// `struct` with properties and nested types.
        case structure([PropertyDeclaration], nested: [TypeDeclaration])
        /// `enum Name: String` with (case name, raw value) pairs.
        case stringEnum([(name: String, value: String)])
        /// `enum` with one associated value per alternative, decoded in order (and the types
        /// of inline alternatives, nested in it).
        case alternatives([AlternativeCase], nested: [TypeDeclaration])
        /// `typealias Name = Type`.
        case alias(SwiftType)

        public static func == (lhs: Kind, rhs: Kind) -> Bool {
            switch (lhs, rhs) {
            case (.structure(let a, let b), .structure(let c, let d)): return a == c && b == d
            case (.stringEnum(let a), .stringEnum(let b)): return a.map(\.name) == b.map(\.name) && a.map(\.value) == b.map(\.value)
            case (.alternatives(let a, let b), .alternatives(let c, let d)): return a == c && b == d
            case (.alias(let a), .alias(let b)): return a == b
            default: return false
            }
        }
    }

    /// The type name.
    public var name: String
    /// Its kind and members.
    public var kind: Kind
    /// From `description` or `title`.
    public var documentation: String?
    /// An alternatives enum on a cycle of models that contain each other (`indirect enum`).
    public var isIndirect = false
    /// For alternatives with a `discriminator`: the member whose value picks the case.
    public var discriminator: String? = nil
    /// For a struct whose schema has `additionalProperties` beside `properties`: the member
    /// holding the others (a dictionary).
    public var additionalProperties: PropertyDeclaration? = nil
}

/// A parameter of an operation.
public struct ParameterDeclaration: Sendable, Equatable {
    /// Where it goes.
    public enum Location: String, Sendable {
        case path, query, header, cookie
    }

    /// The Swift argument label.
    public var swiftName: String
    /// The name on the wire (path template name, query name, header name).
    public var wireName: String
    /// Where it goes.
    public var location: Location
    /// The type, without the optional.
    public var type: SwiftType
    /// Whether the call must give it.
    public var isRequired: Bool
    /// Its type is a generated string enum (sent by raw value).
    public var isStringEnum = false
    /// From its `description`.
    public var documentation: String? = nil
    /// For an array of scalars: how its elements travel.
    public var arrayEncoding: ArrayEncoding? = nil
    /// A query object in OpenAPI's `deepObject` style: one item per member, `name[member]=value`.
    public var isDeepObject = false
    /// A path parameter in `label` (`.a.b`) or `matrix` (`;id=a,b`) style.
    public var pathStyle: PathStyle? = nil

    /// OpenAPI's prefixed path styles, with `explode`.
    public enum PathStyle: Sendable, Equatable {
        /// `.value`; an array `.a,b`, exploded `.a.b`.
        case label(explode: Bool)
        /// `;name=value`; an array `;name=a,b`, exploded `;name=a;name=b`.
        case matrix(explode: Bool)
    }

    /// How an array parameter's elements travel (OpenAPI's `style` and `explode`).
    public enum ArrayEncoding: Sendable, Equatable {
        /// One query item per element (`form`, exploded: `tag=a&tag=b`).
        case repeated
        /// One value, the elements joined (`a,b`; `a b`; `a|b`).
        case joined(String)
    }
}

/// One API method as a client method.
public struct OperationDeclaration: Sendable, Equatable {
    /// The Swift method name (`getItem`).
    public var name: String
    /// `GET`, `POST`, …
    public var httpMethod: String
    /// The resource path template (`/items/{ID}`).
    public var path: String
    /// Path, query and header parameters, in document order (path first).
    public var parameters: [ParameterDeclaration]
    /// The JSON request body's type, if the method takes one.
    public var body: (type: SwiftType, required: Bool)?
    /// The 2xx response's type and model name, or nil for no body.
    public var response: (type: SwiftType, model: String?)?
    /// Declared error statuses (`404`) and their body types, in status order.
    public var errorResponses: [(status: String, type: SwiftType?)]
    /// Whether the method needs `x-api-key`.
    public var requiresAPIKey: Bool
    /// From `summary` or `description`.
    public var documentation: String?
    /// `readOnly: true`: the server sets it; the client never sends it (a value read from an
    /// answer and sent back leaves it out).
    public var isReadOnly = false
    /// `deprecated: true`: `@available(*, deprecated)`.
    public var isDeprecated = false
    /// How the body travels.
    public var bodyEncoding: BodyEncoding = .json("application/json")
    /// How the 2xx answer's body is read (`response.type` is `String` for text, `Data` for binary).
    public var responseEncoding: ResponseEncoding = .json
    /// When the successes differ (bodies, a status without one, headers): one output case per
    /// declared success status, and the method returns `NameOutput`. Empty: it returns `response`.
    public var outputs: [OutputDeclaration] = []
    /// The media type the method reads, sent as `Accept` when the success offers several.
    public var accept: String? = nil
    /// The success's other media types, each read by a method of its own.
    public var alternateResponses: [AlternateResponse] = []
    /// A request body offered in several media types: one case each, the caller's choice (the
    /// method's `body` is `NameRequestBody`). Empty: one media type, `body.type`.
    public var bodyChoices: [BodyChoice] = []
    /// The successes differ in their bodies: the method returns `NameOutput`. Otherwise, with
    /// `outputs` (declared headers), it returns the body and `nameWithHeaders` the output.
    public var returnsOutput = false

    /// How a response body is read.
    public enum ResponseEncoding: Sendable, Equatable {
        /// Decoded from JSON (and validated against its model when asked).
        case json
        /// UTF-8 text as a `String`.
        case text
        /// The bytes as `Data`.
        case binary
        /// `text/event-stream`: `ServerSentEvents`, read as they arrive.
        case eventStream
    }

    /// How a request body travels, with its media type (the `Content-Type` sent).
    public enum BodyEncoding: Sendable, Equatable {
        /// JSON (`application/json`, `application/*+json`, with or without parameters).
        case json(String)
        /// `application/x-www-form-urlencoded`, from the typed value's members.
        case form(String)
        /// `multipart/form-data`, one part per member of the typed value (`FileContent`
        /// members as file parts), with the media types the definition gives parts by name.
        case multipart(String, partTypes: [String: String])
        /// Text (`text/plain`, …): a `String`, sent as UTF-8.
        case text(String)
        /// Any other media type: `Data`, sent as it is.
        case binary(String)
    }

    public static func == (lhs: OperationDeclaration, rhs: OperationDeclaration) -> Bool {
        lhs.name == rhs.name && lhs.httpMethod == rhs.httpMethod && lhs.path == rhs.path && lhs.parameters == rhs.parameters
            && lhs.body?.type == rhs.body?.type && lhs.response?.type == rhs.response?.type && lhs.requiresAPIKey == rhs.requiresAPIKey
            && lhs.errorResponses.map(\.status) == rhs.errorResponses.map(\.status) && lhs.errorResponses.map(\.type) == rhs.errorResponses.map(\.type)
            && lhs.outputs == rhs.outputs
    }
}

/// Everything the renderer needs: the translated API.
public struct ClientModel: Sendable, Equatable {
    /// The client type's name (`ItemsClient`).
    public var clientName: String
    /// The API's title.
    public var title: String
    /// Top-level types, sorted by name.
    public var types: [TypeDeclaration]
    /// Operations, in path then method order.
    public var operations: [OperationDeclaration]
    /// What the generated code cannot express (`file: #pointer: what happens instead`).
    public var warnings: [GeneratorError] = []
    /// The definition's `servers`, in order.
    public var servers: [ServerDeclaration] = []
    /// The security schemes a middleware can satisfy, by name.
    public var security: [SecurityDeclaration] = []
}

/// A security scheme as the middleware that sends its credential.
public struct SecurityDeclaration: Sendable, Equatable {
    /// What the middleware sends.
    public enum Kind: Sendable, Equatable {
        /// An API key: `header`, `query` or `cookie`, and the name there.
        case apiKey(location: String, name: String)
        /// `Authorization: Bearer` (HTTP bearer, OAuth2, OpenID Connect).
        case bearer
        /// `Authorization: Basic`.
        case basic
        /// AWS Signature Version 4 (`x-amazon-apigateway-authtype: awsSigv4`, API Gateway's `AWS_IAM`).
        case sigV4
    }

    /// The scheme's name in the definition.
    public var name: String
    /// The Swift function name.
    public var swiftName: String
    /// What it sends.
    public var kind: Kind
    /// `description`.
    public var documentation: String?
}

/// One entry of `servers`: a URL template and its variables.
public struct ServerDeclaration: Sendable, Equatable {
    /// A variable of the template (`{region}`).
    public struct Variable: Sendable, Equatable {
        /// Its name in the template.
        public var name: String
        /// The Swift argument label.
        public var swiftName: String
        /// `default`.
        public var defaultValue: String
        /// `enum`, when the variable is limited to these values.
        public var allowed: [String]
        /// `description`.
        public var documentation: String?
    }

    /// The URL template (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`).
    public var url: String
    /// `description`.
    public var documentation: String?
    /// The variables, in template order.
    public var variables: [Variable]

}

/// One declared success status of an operation whose successes differ: a case of its output enum.
public struct OutputDeclaration: Sendable, Equatable {
    /// The status (`200`, `2XX`).
    public var status: String
    /// The case name (`ok`, `accepted`, `status2XX`).
    public var caseName: String
    /// The body's type, nil without content.
    public var body: SwiftType? = nil
    /// The body's model name (a `$ref`'d JSON model, for validation).
    public var model: String? = nil
    /// How the body is read.
    public var encoding: OperationDeclaration.ResponseEncoding = .json
    /// The declared headers, typed.
    public var headers: [HeaderDeclaration] = []
    /// The response's `description`.
    public var documentation: String?

    /// The case name for a status: its HTTP reason (`created`), else `status` and the code.
    static func caseName(status: String) -> String {
        let reasons = [
            "200": "ok", "201": "created", "202": "accepted", "203": "nonAuthoritativeInformation", "204": "noContent", "205": "resetContent",
            "206": "partialContent", "207": "multiStatus", "208": "alreadyReported", "226": "imUsed",
        ]
        return reasons[status] ?? "status" + status.uppercased()
    }
}

/// A declared response header.
public struct HeaderDeclaration: Sendable, Equatable {
    /// Its name on the wire.
    public var wireName: String
    /// The Swift property name.
    public var swiftName: String
    /// `String`, a scalar read from the text, or a generated string enum.
    public var type: SwiftType
    /// From its `description`.
    public var documentation: String?
    /// Its type is a generated string enum.
    public var isStringEnum = false
}

/// One media type of a request body offered in several.
public struct BodyChoice: Sendable, Equatable {
    /// The case name (`json`, `form`, `multipart`, `plain`).
    public var caseName: String
    /// The media type.
    public var mediaType: String
    /// How it travels.
    public var encoding: OperationDeclaration.BodyEncoding
    /// The value's type.
    public var type: SwiftType

    /// `json`, `form` and `multipart` for those encodings, else the subtype (`plain`, `octetStream`).
    static func caseName(mediaType: String, encoding: OperationDeclaration.BodyEncoding) -> String {
        switch encoding {
        case .json(let type) where type.lowercased().hasPrefix("application/json"): return "json"
        case .form: return "form"
        case .multipart: return "multipart"
        default:
            let essence = String(mediaType.prefix { $0 != ";" })
            return SwiftNames.property(String(essence.split(separator: "/").last ?? "body"))
        }
    }
}

/// Another media type a success offers than the one its method reads: a twin method sending
/// `Accept` with it (`nameEvents` for `text/event-stream`, `nameAsCsv` for `text/csv`).
public struct AlternateResponse: Sendable, Equatable {
    /// Appended to the method's name.
    public var suffix: String
    /// The media type (sent as `Accept`).
    public var mediaType: String
    /// How it is read: `.eventStream`, `.text` or `.binary`.
    public var encoding: OperationDeclaration.ResponseEncoding
}

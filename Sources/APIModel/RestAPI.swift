import JSONCore
import YAMLCore

/// A definition problem: the file, the JSON Pointer, and what is wrong.
public struct APIDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public let file: String
    /// Where in it.
    public let pointer: JSONPointer
    /// What is wrong.
    public let message: String
    /// The line and column of the value `pointer` names, when the file's text was at hand.
    public var position: JSONPositions.Position?

    /// A problem.
    public init(file: String, pointer: JSONPointer, message: String, position: JSONPositions.Position? = nil) {
        self.file = file
        self.pointer = pointer
        self.message = message
        self.position = position
    }

    /// `file:line:column: #/pointer: message` (`file: #/pointer: message` without a position).
    public var description: String {
        "\(file)\(position.map { ":\($0.line):\($0.column)" } ?? ""): \(pointer.uriFragment): \(message)"
    }

    /// The error with the position of its pointer in `bytes`, the file's text — JSON, or
    /// YAML for a `*.yaml`/`*.yml` file — (the nearest enclosing value that exists when the
    /// pointer names a missing member).
    public func located(in bytes: [UInt8]) -> APIDefinitionError {
        APIDefinitionError.located([self], in: bytes)[0]
    }

    /// Each error with the position of its pointer in `bytes`, the text of the one file they
    /// all name, read once however many errors there are (a large YAML file read once per
    /// warning took seconds).
    public static func located(_ errors: [APIDefinitionError], in bytes: [UInt8]) -> [APIDefinitionError] {
        guard let file = errors.first?.file else { return errors }
        let candidates = errors.map { error -> [JSONPointer] in
            var tokens = error.pointer.tokens
            var pointers = [JSONPointer(tokens: tokens)]
            while !tokens.isEmpty {
                tokens.removeLast()
                pointers.append(JSONPointer(tokens: tokens))
            }
            return pointers
        }
        let found = DocumentText.locate(Array(Set(candidates.joined())), in: bytes, format: DocumentText.format(ofPath: file))
        return zip(errors, candidates).map { error, pointers in
            var located = error
            located.position = pointers.lazy.compactMap { found[$0] }.first
            return located
        }
    }
}

/// A REST API as API Gateway holds it after importing an OpenAPI document.
public struct RestAPI: Sendable {
    /// `info.title`.
    public var title: String
    /// The source document's file (for messages) and its URI (for model `$ref`s).
    public var file: String
    /// The document's URI.
    public var documentURI: String
    /// `HEADER` or `AUTHORIZER`.
    public var apiKeySource: String
    /// `x-amazon-apigateway-binary-media-types`.
    public var binaryMediaTypes: [String]
    /// Resources by path, in document order.
    public var resources: [Resource]
    /// Model names (from `components.schemas`).
    public var modelNames: [String]
    /// Request validators by name.
    public var requestValidators: [String: RequestValidator]
    /// The API-wide validator, when set.
    public var defaultValidator: String?
    /// Customised gateway responses by type (`DEFAULT_4XX`, `INVALID_API_KEY`, …).
    public var gatewayResponses: [String: GatewayResponseDefinition]
    /// Authorizers by name (security schemes with `x-amazon-apigateway-authorizer`).
    public var authorizers: [String: AuthorizerDefinition] = [:]
    /// The resource policy (`x-amazon-apigateway-policy`), as written.
    public var resourcePolicy: JSONValue? = nil
}

/// A request validator.
public struct RequestValidator: Sendable, Equatable {
    /// Check the body against the method's model.
    public var validateRequestBody: Bool
    /// Check required parameters.
    public var validateRequestParameters: Bool
}

/// A customised gateway response.
public struct GatewayResponseDefinition: Sendable, Equatable {
    /// The status, when overridden.
    public var statusCode: Int?
    /// `gatewayresponse.header.X` → `'static'` or `method.request.header.y`.
    public var responseParameters: [(String, String)]
    /// Templates by MIME type (simple substitution, not VTL).
    public var responseTemplates: [String: String]

    public static func == (lhs: GatewayResponseDefinition, rhs: GatewayResponseDefinition) -> Bool {
        lhs.statusCode == rhs.statusCode && lhs.responseTemplates == rhs.responseTemplates
            && lhs.responseParameters.map { "\($0.0)=\($0.1)" } == rhs.responseParameters.map { "\($0.0)=\($0.1)" }
    }
}

/// A resource: a path with methods.
public struct Resource: Sendable {
    /// The path (`/items/{ID}`).
    public var path: String
    /// Its parts (`items`, `{ID}`).
    public var parts: [PathPart]
    /// Methods by HTTP method (`GET`, `ANY`).
    public var methods: [String: Method]
}

/// One segment of a resource path.
public enum PathPart: Sendable, Equatable {
    case literal(String)
    case parameter(String)
    case greedy(String)
}

/// A method of a resource.
public struct Method: Sendable {
    /// `GET`, `ANY`, …
    public var httpMethod: String
    /// The operation id (used to name SDK calls).
    public var operationId: String?
    /// Whether `x-api-key` is required.
    public var apiKeyRequired: Bool
    /// Who may call: an authorizer, IAM, or anyone.
    public var authorization: MethodAuthorization = .none
    /// `method.request.<path|querystring|header>.<name>` → required.
    public var requestParameters: [(String, Bool)]
    /// Content type → model name.
    public var requestModels: [String: String]
    /// The validator name, when set.
    public var requestValidator: String?
    /// The integration.
    public var integration: Integration
    /// Declared responses: status → model name per content type.
    public var responseModels: [Int: [String: String]]
    /// The pointer of the operation in the document (for messages).
    public var pointer: JSONPointer
    /// The operation as callers see it (parameters with schemas, bodies, responses).
    public var interface: OperationInterface
}

/// How a method reaches its backend.
public struct Integration: Sendable {
    /// The integration types.
    public enum Kind: String, Sendable {
        case mock = "MOCK"
        case aws = "AWS"
        case awsProxy = "AWS_PROXY"
        case http = "HTTP"
        case httpProxy = "HTTP_PROXY"
    }

    /// The type.
    public var kind: Kind
    /// The integration method (POST for Lambda).
    public var httpMethod: String
    /// The URI (`arn:aws:apigateway:…:lambda:path/2015-03-31/functions/…/invocations`).
    public var uri: String
    /// Request templates by MIME type.
    public var requestTemplates: [String: String]
    /// What a body whose media type has no request template does.
    public var passthroughBehavior: PassthroughBehavior
    /// 50–29,000 ms.
    public var timeoutMillis: Int
    /// `method.request.*` names that are part of the cache key.
    public var cacheKeyParameters: [String]
    /// The cache namespace (default: the resource path).
    public var cacheNamespace: String?
    /// Integration responses: patterned ones first, in document order, then the default.
    public var responses: [IntegrationResponse]
}

/// An integration response.
public struct IntegrationResponse: Sendable {
    /// The selection pattern; nil for the default response.
    public var selectionPattern: String?
    /// The method response status.
    public var statusCode: Int
    /// `method.response.header.X` → source expression.
    public var responseParameters: [(String, String)]
    /// Response templates by MIME type.
    public var responseTemplates: [String: String]
}

/// `x-amazon-apigateway-integration.passthroughBehavior`: what a request body whose media type
/// has no template does.
public enum PassthroughBehavior: String, Sendable, Equatable {
    /// Passed through unless some template is declared for another type (the default).
    case whenNoMatch = "WHEN_NO_MATCH"
    /// Passed through only when no template is declared at all.
    case whenNoTemplates = "WHEN_NO_TEMPLATES"
    /// Refused (415) unless a template matches.
    case never = "NEVER"
}

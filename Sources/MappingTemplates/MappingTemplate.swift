import Velocity

/// A template that cannot be used as an API Gateway mapping template.
public enum MappingTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Over API Gateway's 300 KB limit.
    case tooLarge(bytes: Int, limit: Int)
    /// Not valid VTL (with line, column and a caret report).
    case syntax(VelocitySyntaxError)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): return "mapping template is \(bytes) bytes; API Gateway allows at most \(limit)"
        case .syntax(let error): return error.description
        }
    }
}

/// Everything a mapping template can see: the payload, parameters, `$context` values,
/// stage variables and any overrides set by an earlier template of the same request.
public struct MappingTemplateInput: Sendable {
    /// The raw payload (request body, or the integration's response).
    public var body: String
    /// `$input.params(…)`.
    public var parameters: RequestParameters
    /// `$context`.
    public var context: RequestContext
    /// `$stageVariables`.
    public var stageVariables: [(String, String)]
    /// Overrides already set (by the request template, for a response template).
    public var overrides: TemplateOverrides

    /// An input.
    public init(
        body: String = "", parameters: RequestParameters = RequestParameters(), context: RequestContext = RequestContext(),
        stageVariables: [(String, String)] = [], overrides: TemplateOverrides = TemplateOverrides()
    ) {
        self.body = body
        self.parameters = parameters
        self.context = context
        self.stageVariables = stageVariables
        self.overrides = overrides
    }
}

/// What a render produced.
public struct MappingTemplateOutput: Sendable, Equatable {
    /// The rendered text.
    public var body: String
    /// `$context.requestOverride` / `responseOverride` after the render.
    public var overrides: TemplateOverrides
}

/// An API Gateway mapping template: compiled once, rendered per request with `$input`,
/// `$context`, `$stageVariables` and `$util`. A reference type: the gateway hands the same
/// compiled template to every request without copying it.
public final class MappingTemplate: Sendable {
    /// API Gateway's size limit for a template.
    public static let maximumBytes = 300 * 1024

    /// The compiled template.
    public let template: VelocityTemplate
    /// Whether rendering can read `$context` (when not, a caller may pass an empty one). A
    /// variable is reachable only through its name; the other variables are built only for the
    /// names the template mentions.
    public let usesContext: Bool

    /// Compiles `source`.
    public init(_ source: String, limits: VelocityLimits = VelocityLimits()) throws(MappingTemplateError) {
        let bytes = source.utf8.count
        guard bytes <= MappingTemplate.maximumBytes else { throw .tooLarge(bytes: bytes, limit: MappingTemplate.maximumBytes) }
        do {
            template = try VelocityTemplate(source, limits: limits)
        } catch {
            throw .syntax(error)
        }
        usesContext = template.variableNames.contains("context")
    }

    /// Renders for one request.
    public func render(_ input: MappingTemplateInput) throws(VelocityRuntimeError) -> MappingTemplateOutput {
        // Made before rendering, so that the overrides the template sets can be read after it.
        let context = usesContext ? ContextVariable(context: input.context, overrides: input.overrides) : nil
        // Called only for the names the template mentions.
        let body = try template.render { name -> VelocityValue? in
            switch name {
            case "input": return .object(InputVariable(body: input.body, parameters: input.parameters))
            case "context": return context.map { .object($0) }
            case "stageVariables": return .map(VelocityMap(input.stageVariables.map { ($0.0, VelocityValue.string($0.1)) }))
            case "util": return .object(UtilVariable())
            default: return nil
            }
        }
        return MappingTemplateOutput(body: body, overrides: context?.overrides ?? input.overrides)
    }
}

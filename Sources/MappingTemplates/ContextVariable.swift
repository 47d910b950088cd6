import Velocity

/// `$context`, built lazily: fields come straight from `RequestContext`; the identity,
/// authorizer, error and override maps are created on first use. It behaves like the map AWS
/// exposes (`keySet()`, `get(…)`, `containsKey(…)`), in AWS's key order.
final class ContextVariable: VelocityObject {
    let context: RequestContext
    let initialOverrides: TemplateOverrides
    private var materialised: VelocityMap?
    private(set) var requestOverride: VelocityMap?
    private(set) var responseOverride: VelocityMap?

    init(context: RequestContext, overrides: TemplateOverrides) {
        self.context = context
        self.initialOverrides = overrides
    }

    /// The full map (built once, the first time something needs more than a field).
    var map: VelocityMap {
        if let materialised { return materialised }
        let (request, response) = overrideMaps()
        let map = context.map(requestOverride: request, responseOverride: response)
        materialised = map
        return map
    }

    func overrideMaps() -> (VelocityMap, VelocityMap) {
        if requestOverride == nil {
            let (request, response) = initialOverrides.maps()
            requestOverride = request
            responseOverride = response
        }
        return (requestOverride!, responseOverride!)
    }

    /// The overrides after rendering: the initial ones when the template never looked.
    var overrides: TemplateOverrides {
        guard let requestOverride, let responseOverride else { return initialOverrides }
        return TemplateOverrides.read(request: requestOverride, response: responseOverride)
    }

    func property(_ name: String) -> VelocityValue? {
        switch name {
        case "requestId": return .string(context.requestId)
        case "stage": return .string(context.stage)
        case "resourcePath": return .string(context.resourcePath)
        case "httpMethod": return .string(context.httpMethod)
        case "path": return .string(context.path)
        case "apiId": return .string(context.apiId)
        case "requestOverride": return .map(overrideMaps().0)
        case "responseOverride": return .map(overrideMaps().1)
        default: return map.get(name)
        }
    }

    func call(_ name: String, _ arguments: [VelocityValue], budget: inout RenderBudget) throws(VelocityRuntimeError) -> VelocityValue? {
        try VelocityValue.map(map).call(name, arguments, budget: &budget)
    }
}

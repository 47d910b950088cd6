import APIModel
import HTTPCore

/// Stage 1, routing: the stage a request names (its path's first segment), then the resource
/// and method the rest of its path and its method match.
struct RouteStage: Sendable {
    /// The stage named by the request's first path segment in `snapshot`; `forbiddenStage`
    /// (AWS's 403 `Forbidden`) when no such stage is deployed.
    func selectStage(_ arrived: ArrivedRequest, in snapshot: GatewaySnapshot) throws(GatewayError) -> StageSelection {
        var path = arrived.path
        let name: String? = path.withUTF8 { bytes in
            let path = PathBytes(bytes: bytes)
            return path.segment(from: 0).map(path.string)
        }
        guard let name, let served = snapshot.stages[name] else { throw GatewayError(.forbiddenStage) }
        return StageSelection(name: name, served: served, snapshot: snapshot)
    }

    /// The method the request reaches in `selection`'s deployment, with its path and query
    /// parameters; `missingAuthenticationToken` when none matches.
    func route(_ arrived: ArrivedRequest, in selection: StageSelection) throws(GatewayError) -> Route {
        var path = arrived.path
        let httpMethod = arrived.httpMethod
        let deployment = selection.deployment
        // Results go straight into locals (no tuple of optionals copied on the way out).
        var method: CompiledMethod?
        var parameters: [(String, String)] = []
        path.withUTF8 { bytes in
            let path = PathBytes(bytes: bytes)
            guard let first = path.segment(from: 0) else { return }
            if let (routedMethod, routedParameters) = deployment.route(path, from: first.upperBound, httpMethod: httpMethod) {
                method = routedMethod
                parameters = routedParameters
            }
        }
        guard let method else {
            arrived.fail("Execution failed: no resource or method matches \(httpMethod) \(arrived.path)")
            throw GatewayError(.missingAuthenticationToken)
        }
        let route = Route(selection: selection, method: method, pathParameters: parameters, query: URLEncoding.queryPairs(arrived.rawQuery))
        arrived.log("Starting execution for request: \(arrived.requestId)")
        arrived.log("HTTP Method: \(httpMethod), Resource Path: \(method.resource.path)")
        arrived.log("Method request path: \(RouteStage.javaMap(parameters))")
        arrived.log("Method request query string: \(RouteStage.javaMap(route.query))")
        return route
    }

    /// `{a=1, b=2}`, as AWS's execution log prints maps.
    static func javaMap(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0)=\($0.1)" }.joined(separator: ", ") + "}"
    }
}

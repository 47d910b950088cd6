import APIModel
import HTTPCore

/// Stage 1, routing: the API a request addresses, the stage it names (its path's first segment),
/// then the resource and method the rest of its path and its method match.
struct RouteStage: Sendable {
    /// The request as the API's own host receives it. An API is addressed three ways on this
    /// one port (reference §24): `/{stage}/{path}` at the root; the path form
    /// `/restapis/{api-id}/{stage}/_user_request_/{path}`, which becomes `/{stage}/{path}`; and a
    /// host `{api-id}.execute-api.localhost` (any suffix, as LocalStack's
    /// `….execute-api.localhost.localstack.cloud`). An id that is not this API's is
    /// `unknownAPI` (404) naming the one served. Nil when the request is to be served as it is.
    /// Whether `request` may address the API another way than `/{stage}/…` (the path form, or
    /// a host naming an API): a check of a few bytes, so that `apiRequest` runs only then.
    @inline(__always)
    static func mayAddressAPI(_ request: HTTPRequest) -> Bool {
        let target = request.target.utf8
        if target.count > 10, target.dropFirst().first == UInt8(ascii: "r") { return true }
        guard let host = request.headers["Host"] else { return false }
        return host.utf8.count > 13
    }

    static func apiRequest(_ request: HTTPRequest, apiId: String) throws(GatewayError) -> HTTPRequest? {
        if let host = request.headers["Host"], host.utf8.count > 13, let range = host.range(of: ".execute-api.") {
            let id = String(host[..<range.lowerBound])
            guard id == apiId else { throw GatewayError.unknownAPI(id, served: apiId) }
        }
        guard request.target.utf8.count > 10, request.target.utf8.dropFirst().first == UInt8(ascii: "r"), request.target.hasPrefix("/restapis/") else { return nil }
        let rest = request.target.dropFirst("/restapis/".count)
        let parts = rest.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[2].hasPrefix("_user_request_") else { return nil }
        guard String(parts[0]) == apiId else { throw GatewayError.unknownAPI(String(parts[0]), served: apiId) }
        // `_user_request_` may carry the query directly (`…/_user_request_?a=1`) or a path.
        let afterMarker = parts[2].dropFirst("_user_request_".count)
        var target = "/" + parts[1]
        if parts.count == 4 {
            target += "/" + parts[3]
        } else {
            target += afterMarker
        }
        var rewritten = request
        rewritten.target = target
        return rewritten
    }

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

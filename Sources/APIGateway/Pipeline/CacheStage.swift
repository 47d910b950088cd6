import APIModel
import HTTPCore

/// Stage 6, the stage cache: a method's answer is served from its stage's cache while fresh,
/// keyed by the method and its cache-key parameters; `Cache-Control: max-age=0` from an
/// authorized caller refreshes the entry.
struct CacheStage: Sendable {
    /// Where a request stands with the cache.
    enum Lookup {
        /// Served from the cache.
        case hit(HTTPResponse)
        /// Not cached (nil plan: caching is off for the method): call the integration, then
        /// `store` its answer under the plan.
        case miss(CachePlan?)
    }

    /// How one request uses the cache.
    struct CachePlan {
        let key: CacheKey
        let ttl: Int
        /// Skip the lookup (an authorized `Cache-Control: max-age=0`): fetch and replace.
        var bypass = false
    }

    /// The cached answer for `routed`, or how to store the one the integration gives;
    /// `cacheInvalidationForbidden` for an unauthorized `max-age=0` under `FAIL_WITH_403`.
    func lookup(_ routed: RoutedRequest) throws(GatewayError) -> Lookup {
        guard let plan = try plan(routed) else { return .miss(nil) }
        if !plan.bypass, let cached = routed.route.selection.served.cache?.state.withLock({ $0.lookup(plan.key, now: routed.arrived.time) }) {
            routed.arrived.log("Serving the response from the stage cache")
            return .hit(cached)
        }
        return .miss(plan)
    }

    /// Keeps `response` under `plan` for its time to live.
    func store(_ response: HTTPResponse, _ plan: CachePlan, _ routed: RoutedRequest) {
        routed.route.selection.served.cache?.state.withLock { $0.store(plan.key, response, ttl: plan.ttl, now: routed.arrived.time) }
    }

    private func plan(_ routed: RoutedRequest) throws(GatewayError) -> CachePlan? {
        let arrived = routed.arrived
        let deployment = routed.route.deployment
        let method = routed.method
        guard !arrived.isTestInvoke, deployment.stage.cache.enabled else { return nil }
        let setting = deployment.setting(for: method)
        let enabled = setting?.cachingEnabled ?? (arrived.httpMethod == "GET")
        let ttl = setting?.ttlInSeconds ?? deployment.stage.cache.ttlInSeconds
        guard enabled, ttl > 0 else { return nil }
        let request = arrived.request
        // The namespace and parameter names are fixed per method; only the values are built.
        var values = arrived.httpMethod
        for parameter in method.cacheKeyParameters {
            let value: String?
            switch parameter.location {
            case .path: value = routed.route.pathParameters.first { $0.0 == parameter.name }?.1
            case .querystring: value = routed.route.query.last { $0.0 == parameter.name }?.1
            case .header: value = request.headers[parameter.name]
            case .other: value = nil
            }
            // U+0001 before a present value, U+0002 for a missing one: no two lists collide.
            if let value {
                values += "\u{1}"
                values += value
            } else {
                values += "\u{2}"
            }
        }
        var plan = CachePlan(key: CacheKey(base: method.cacheKeyBase, request: values), ttl: ttl)
        if let control = request.headers["Cache-Control"], String(control.filter { $0 != " " }).lowercased().contains("max-age=0") {
            let cache = deployment.stage.cache
            let authorized = !cache.requireAuthorizationForCacheControl || (routed.caller.apiKey.map { cache.authorizedKeys.contains($0.name) } ?? false)
            if authorized {
                routed.arrived.log("Cache-Control: max-age=0 from an authorized caller: invalidating the cache entry")
                plan.bypass = true
            } else {
                switch cache.unauthorizedCacheControlHeaderStrategy {
                case .failWith403:
                    throw GatewayError(.cacheInvalidationForbidden)
                case .succeedWithResponseHeader, .succeedWithoutResponseHeader:
                    routed.arrived.log(
                        "Cache-Control: max-age=0 from an unauthorized caller: ignored (\(cache.unauthorizedCacheControlHeaderStrategy.rawValue))")
                }
            }
        }
        return plan
    }
}

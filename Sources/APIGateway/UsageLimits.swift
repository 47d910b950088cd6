import APIModel
import Synchronization

/// API keys, usage plans, quotas and throttles as the request path reads them: every table key
/// hashed once when made, every per-client record held by reference.
extension Gateway {
    /// Throttle buckets and quota use, under one lock. Keyed so that a request costs no
    /// allocation and three lookups: its client (plan and key), its stage bucket, the account.
    package struct LimitState: Sendable {
        /// Per usage plan and key (`plan/keyId`, the name quota use is saved under): quota use
        /// and the plan's buckets.
        var clients: [HashedName: ClientLimits] = [:]
        /// Stage buckets and stage method buckets (`stage/prod`, `stage/prod/items/GET`).
        var stageBuckets: [HashedName: TokenBucket] = [:]
        var account: TokenBucket?
        /// Quota period names (`2026-12-02`), cached per day.
        var periods = QuotaPeriods()

        /// Quota use as persisted: `plan/keyId` → use.
        package var usage: [String: QuotaUsage] {
            var result: [String: QuotaUsage] = [:]
            for (key, client) in clients { if let quota = client.quota { result[key.text] = quota } }
            return result
        }

        init(usage: [String: QuotaUsage] = [:]) {
            for (name, quota) in usage {
                // Inserted explicitly: `clients[key, default: …].quota = …` would set the property
                // of a default instance that is never stored (ClientLimits is a class).
                let client = ClientLimits()
                client.quota = quota
                clients[HashedName(name)] = client
            }
        }

        /// The `clients` key of an API key in a usage plan.
        static func clientKey(plan: String, keyId: String) -> HashedName { HashedName(plan + "/" + keyId) }
    }

    /// One client's quota use and plan buckets. A reference, so that a request finds and
    /// updates it with one lookup; read and written only under the `limits` lock.
    final class ClientLimits: @unchecked Sendable {
        var quota: QuotaUsage?
        var bucket: TokenBucket?
        var methodBuckets: [String: TokenBucket] = [:]
        /// The day (since 1970) the ledger slots below are for; -1 before the first count.
        var ledgerDay = -1
        /// The ledger slots of the quota period and of the day (for GetUsage), and the day's count.
        var quotaSlot: Int?
        var daySlot: Int?
        var dayCount = 0
    }

    // MARK: - Usage plans and throttling

    /// Quota and throttles, most specific first; nil when the request may proceed.
    func admit(_ call: Call, plan: UsagePlan?, client clientKey: HashedName?) -> GatewayError? {
        guard let deployment = call.deployment, let method = call.method else { return nil }
        let now = call.time
        let setting = deployment.setting(for: method)
        return limits.withLock { (state) -> GatewayError? in
            var period = ""
            var client: ClientLimits?
            // The plan's quota, then its per-client throttle (method-level first).
            if let plan, let clientKey {
                let limits: ClientLimits
                if let known = state.clients[clientKey] {
                    limits = known
                } else {
                    limits = ClientLimits()
                    state.clients[clientKey] = limits
                }
                client = limits
                if let quota = plan.definition.quota { period = state.periods.period(now, quota.period.rawValue) }
                let error = Gateway.admitClient(limits, plan: plan, method: method, period: period, now: now) { line in
                    call.log("API Key \(call.apiKey?.id ?? "") \(line)")
                }
                if let error { return error }
            }
            // Then the stage's (or the stage method's) throttle, then the account's.
            let stageThrottle = setting?.throttle ?? deployment.stage.throttle
            let stageKey = setting?.throttle != nil ? method.stageMethodBucket : method.stageBucket
            let stageAdmitted = state.stageBuckets[stageKey, default: TokenBucket(settings: stageThrottle, now: now)].take(now: now)
            if !stageAdmitted {
                call.log("Throttle limit exceeded (\(stageKey.text)). Limit: \(stageThrottle.rateLimit) Burst: \(stageThrottle.burstLimit)")
                return GatewayError(.throttled)
            }
            let accountThrottle = call.snapshot?.accountThrottle ?? ThrottleSettings(rateLimit: 10_000, burstLimit: 5_000)
            if state.account == nil { state.account = TokenBucket(settings: accountThrottle, now: now) }
            if !state.account!.take(now: now) {
                call.log("Throttle limit exceeded (account). Limit: \(accountThrottle.rateLimit) Burst: \(accountThrottle.burstLimit)")
                return GatewayError(.throttled)
            }
            if let client, let clientKey, plan?.definition.quota != nil {
                if client.quota == nil { client.quota = QuotaUsage(period: period, used: 0) }
                client.quota!.count(in: period)
                // Durable before the answer leaves: the count goes to the ledger now.
                if let ledger { Gateway.record(client, name: clientKey.text, period: period, now: now, periods: &state.periods, in: ledger) }
            }
            return nil
        }
    }

    /// Stores a client's counts in the ledger: the quota period's (`plan/keyId@period`) and the
    /// day's (`plan/keyId#2026-12-02`, for GetUsage). Slots are found once a day (a period
    /// is a whole number of days, so it cannot change within one).
    @inline(__always)
    static func record(_ client: ClientLimits, name: String, period: String, now: Double, periods: inout QuotaPeriods, in ledger: UsageLedger) {
        let day = Int((now / 86400).rounded(.down))
        if client.ledgerDay != day {
            client.ledgerDay = day
            client.quotaSlot = ledger.slot(for: name + "@" + period)
            client.daySlot = ledger.slot(for: name + "#" + periods.period(now, "DAY"))
            client.dayCount = client.daySlot.map { ledger.value(in: $0) } ?? 0
        }
        client.dayCount += 1
        if let slot = client.quotaSlot, let used = client.quota?.used { ledger.store(used, in: slot) }
        if let slot = client.daySlot { ledger.store(client.dayCount, in: slot) }
    }

    /// The quota check and the plan's throttle for one client; nil when admitted (the quota is
    /// counted later, once every throttle has admitted the request).
    static func admitClient(
        _ client: ClientLimits, plan usagePlan: UsagePlan, method: CompiledMethod, period: String, now: Double, log: (String) -> Void
    ) -> GatewayError? {
        let plan = usagePlan.definition
        if let quota = plan.quota {
            let used = client.quota?.period == period ? client.quota!.used : 0
            if used >= quota.limit {
                log("exceeded quota limit: Key quota exhausted for Usage Plan ID \(plan.name). Limit: \(quota.limit) Period: \(quota.period.rawValue)")
                return GatewayError(.quotaExceeded)
            }
        }
        if !plan.methodThrottles.isEmpty, let methodThrottle = plan.methodThrottles[method.planKey] {
            if !client.methodBuckets[method.planKey, default: TokenBucket(settings: methodThrottle, now: now)].take(now: now) {
                log("throttled by usage plan \(plan.name) for \(method.planKey). Limit: \(methodThrottle.rateLimit) Burst: \(methodThrottle.burstLimit)")
                return GatewayError(.throttled)
            }
        } else if let throttle = plan.throttle {
            if client.bucket == nil { client.bucket = TokenBucket(settings: throttle, now: now) }
            if !client.bucket!.take(now: now) {
                log("throttled by usage plan \(plan.name). Limit: \(throttle.rateLimit) Burst: \(throttle.burstLimit)")
                return GatewayError(.throttled)
            }
        }
        return nil
    }
}

/// An API key as the gateway holds it: the record and its usage plans, resolved once (replaced
/// whole when the key changes).
package final class ActiveKey: Sendable {
    package let record: APIKeyRecord
    /// The key's usage plans, in the record's order (unknown names left out).
    let plans: [UsagePlan]
    /// The limit-state key of each plan in `plans` with this key.
    let clientKeys: [HashedName]

    init(_ record: APIKeyRecord, plansByName: [String: UsagePlan]) {
        self.record = record
        plans = record.usagePlans.compactMap { plansByName[$0] }
        clientKeys = plans.map { Gateway.LimitState.clientKey(plan: $0.definition.name, keyId: record.id) }
    }
}

/// An `x-api-key` value as a table key, hashed with a short FNV-1a pass over its bytes (the
/// values are long, and a lookup happens on every request).
package struct APIKeyValue: Hashable, Sendable {
    let text: String

    package init(_ text: String) { self.text = text }

    package func hash(into hasher: inout Hasher) {
        var contiguous = text
        let fnv = contiguous.withUTF8 { bytes in
            var fnv: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { fnv = (fnv ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return fnv
        }
        hasher.combine(fnv)
    }
}

/// A usage plan as the gateway holds it: shared by reference on the request path.
package final class UsagePlan: Sendable {
    package let definition: UsagePlanDefinition

    init(_ definition: UsagePlanDefinition) { self.definition = definition }
}

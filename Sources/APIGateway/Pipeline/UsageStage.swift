import APIModel
import Synchronization

/// Stage 4, usage: the caller's usage-plan quota and throttle, then the stage's (or the stage
/// method's) throttle, then the account's — most specific first. A request every throttle
/// admits is counted against its quota, and the count is in the ledger before the answer
/// leaves. It owns the throttle buckets and quota counts.
final class UsageStage: Sendable {
    private let limits: Mutex<UsageLimits.LimitState>
    private let ledger: UsageLedger?

    /// Counting from `usage` on (each count also stored in `ledger`).
    init(usage: [String: QuotaUsage], ledger: UsageLedger?) {
        limits = Mutex(UsageLimits.LimitState(usage: usage))
        self.ledger = ledger
    }

    /// Quota use counted so far, by `plan/keyId`.
    var quotaUsage: [String: QuotaUsage] { limits.withLock { $0.usage } }

    func admit(_ arrived: ArrivedRequest, _ route: Route, _ caller: Caller) throws(GatewayError) {
        if arrived.isTestInvoke { return }
        let error = limits.withLock { state in admit(arrived, route, caller, &state) }
        if let error { throw error }
    }

    private func admit(_ arrived: ArrivedRequest, _ route: Route, _ caller: Caller, _ state: inout UsageLimits.LimitState) -> GatewayError? {
        let now = arrived.time
        let method = route.method
        let setting = route.deployment.setting(for: method)
        var period = ""
        var client: UsageLimits.ClientLimits?
        // The plan's quota, then its per-client throttle (method-level first).
        if let plan = caller.plan, let clientKey = caller.client {
            let limits: UsageLimits.ClientLimits
            if let known = state.clients[clientKey] {
                limits = known
            } else {
                limits = UsageLimits.ClientLimits()
                state.clients[clientKey] = limits
            }
            client = limits
            if let quota = plan.definition.quota { period = state.periods.period(now, quota.period.rawValue) }
            let error = UsageStage.admitClient(limits, plan: plan, method: method, period: period, now: now) { line in
                arrived.log("API Key \(caller.apiKey?.id ?? "") \(line)")
            }
            if let error { return error }
        }
        // Then the stage's (or the stage method's) throttle, then the account's.
        let stageThrottle = setting?.throttle ?? route.deployment.stage.throttle
        let stageKey = setting?.throttle != nil ? method.stageMethodBucket : method.stageBucket
        let stageAdmitted = state.stageBuckets[stageKey, default: TokenBucket(settings: stageThrottle, now: now)].take(now: now)
        if !stageAdmitted {
            arrived.log("Throttle limit exceeded (\(stageKey.text)). Limit: \(stageThrottle.rateLimit) Burst: \(stageThrottle.burstLimit)")
            return GatewayError(.throttled)
        }
        let accountThrottle = route.snapshot.accountThrottle
        if state.account == nil { state.account = TokenBucket(settings: accountThrottle, now: now) }
        if !state.account!.take(now: now) {
            arrived.log("Throttle limit exceeded (account). Limit: \(accountThrottle.rateLimit) Burst: \(accountThrottle.burstLimit)")
            return GatewayError(.throttled)
        }
        if let client, let clientKey = caller.client, caller.plan?.definition.quota != nil {
            if client.quota == nil { client.quota = QuotaUsage(period: period, used: 0) }
            client.quota!.count(in: period)
            // Durable before the answer leaves: the count goes to the ledger now.
            if let ledger { UsageStage.record(client, name: clientKey.text, period: period, now: now, periods: &state.periods, in: ledger) }
        }
        return nil
    }

    /// Stores a client's counts in the ledger: the quota period's (`plan/keyId@period`) and the
    /// day's (`plan/keyId#2026-12-02`, for GetUsage). Slots are found once a day (a period
    /// is a whole number of days, so it cannot change within one).
    @inline(__always)
    private static func record(
        _ client: UsageLimits.ClientLimits, name: String, period: String, now: Double, periods: inout QuotaPeriods, in ledger: UsageLedger
    ) {
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
    private static func admitClient(
        _ client: UsageLimits.ClientLimits, plan usagePlan: UsagePlan, method: CompiledMethod, period: String, now: Double, log: (String) -> Void
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

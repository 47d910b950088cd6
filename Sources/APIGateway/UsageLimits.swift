import APIModel
import Synchronization

/// API keys, usage plans, quotas and throttles as the request path reads them: every table key
/// hashed once when made, every per-client record held by reference.
enum UsageLimits {
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
        clientKeys = plans.map { UsageLimits.LimitState.clientKey(plan: $0.definition.name, keyId: record.id) }
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

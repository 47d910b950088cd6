import JSONCore

/// An API key as the gateway holds it.
public struct APIKeyRecord: Sendable, Equatable {
    /// The key id (`apiKeyId`).
    public var id: String
    /// The name (`LabKey`).
    public var name: String
    /// The value clients send in `x-api-key`.
    public var value: String
    /// Whether the key works.
    public var enabled: Bool
    /// Usage plans the key belongs to.
    public var usagePlans: [String]
    /// What the key is for.
    public var description: String
    /// When it was made (seconds since 1970).
    public var createdDate: Double
    /// When it last changed.
    public var lastUpdatedDate: Double

    /// A key.
    public init(
        id: String, name: String, value: String, enabled: Bool, usagePlans: [String], description: String = "", createdDate: Double = 0,
        lastUpdatedDate: Double = 0
    ) {
        self.id = id
        self.name = name
        self.value = value
        self.enabled = enabled
        self.usagePlans = usagePlans
        self.description = description
        self.createdDate = createdDate
        self.lastUpdatedDate = lastUpdatedDate
    }
}

/// Quota use of one key in one plan.
package struct QuotaUsage: Sendable, Equatable {
    package var period: String
    package var used: Int

    package init(period: String, used: Int) {
        self.period = period
        self.used = used
    }

    /// Counts one request in `current`, starting afresh when the period changed.
    mutating func count(in current: String) {
        if period != current {
            period = current
            used = 0
        }
        used += 1
    }
}


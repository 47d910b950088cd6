import JSONCore
import LambdaRuntime

/// The lab's `ItemsFunction`: the four items; no `ID` lists them, a known `ID` returns that
/// item, an unknown one fails with `NotFoundError` (as the lab's Python raises it).
public struct ItemsFunction: LambdaHandler {
    /// One item.
    public struct Item: Sendable, Equatable {
        /// The id.
        public let id: Int
        /// The name.
        public let name: String
        /// The price.
        public let price: JSONNumber

        /// As JSON, in the lab's key order.
        public var json: JSONValue { ["ID": .number(JSONNumber(id)), "name": .string(name), "price": .number(price)] }
    }

    /// The lab's items.
    public static let items: [Item] = [
        Item(id: 1, name: "Pen", price: JSONNumber(significand: 25, exponent: -1)),
        Item(id: 2, name: "Pencil", price: JSONNumber(significand: 15, exponent: -1)),
        Item(id: 3, name: "Highlighter", price: JSONNumber(significand: 30, exponent: -1)),
        Item(id: 4, name: "Ruler", price: JSONNumber(significand: 50, exponent: -1)),
    ]

    /// The name the handler is registered under.
    public static let handlerName = "items.handler"

    static let list: JSONValue = .array(items.map(\.json))
    /// Each item's JSON, built once (the handler answers with these values).
    static let itemJSON: [Int: JSONValue] = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0.json) })

    /// A handler.
    public init() {}

    public func handle(_ event: JSONValue, context: LambdaContext) throws(LambdaFunctionError) -> JSONValue {
        let id = event["ID"]
        switch id {
        case nil, .null?, .string("")?:
            return ItemsFunction.list
        case .number(let number)?:
            if let value = number.intValue, let item = ItemsFunction.itemJSON[value] { return item }
        case .string(let text)?:
            if let value = Int(text), let item = ItemsFunction.itemJSON[value] { return item }
        default:
            break
        }
        throw LambdaFunctionError("NotFoundError")
    }
}

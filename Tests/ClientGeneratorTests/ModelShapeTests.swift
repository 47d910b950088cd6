import ClientRuntime
import Foundation
import StoreClient
import Testing

/// `text` decoded as the generated clients decode bodies.
private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try WireJSON.decoder().decode(type, from: Data(text.utf8))
}

/// `value` encoded as the generated clients encode bodies.
private func encode<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try WireJSON.encoder().encode(value), as: UTF8.self)
}

/// Model shapes that once generated code that did not compile: an array of inline objects,
/// a nested type named like a model, models that contain themselves or each other.
@Suite("generated models of awkward shapes compile and round-trip")
struct ModelShapeTests {
    @Test("an array model of inline objects declares its element type beside it")
    func arrayOfInlineObjects() throws {
        let kit: Kit = try decode(Kit.self, #"[{"sku": "A", "quantity": 2}, {"sku": "B"}]"#)
        #expect(kit == [KitItem(sku: "A", quantity: 2), KitItem(sku: "B")])
        #expect(throws: DecodingError.self) { try decode(Kit.self, #"[{"quantity": 2}]"#) }
    }

    @Test("a nested type never takes the name of the model a sibling property refers to")
    func noShadowing() throws {
        let shelf = try decode(Shelf.self, #"{"product": {"label": "x"}, "featured": \#(StoreClientTests.product)}"#)
        let featured: Product? = shelf.featured
        #expect(featured?.name == "Lamp")
        #expect(shelf.product == Shelf.Product2(label: "x"))
    }

    @Test("a model that contains itself: absent, null and nested members decode; nil is left out when encoding")
    func directRecursion() throws {
        let node = try decode(CategoryNode.self, #"{"name": "c", "parent": {"name": "b", "parent": {"name": "a", "parent": null}}, "children": [{"name": "d"}]}"#)
        #expect(node.parent?.parent?.name == "a")
        #expect(node.parent?.parent?.parent == nil)
        #expect(node.children?.first?.parent == nil)
        #expect(try encode(node) == #"{"children":[{"name":"d"}],"name":"c","parent":{"name":"b","parent":{"name":"a"}}}"#)
        var copy = node
        copy.parent?.name = "changed"
        #expect(node.parent?.name == "b", "a copy never shares a change")
        #expect(copy != node)
        #expect(throws: DecodingError.self) { try decode(CategoryNode.self, #"{"name": "c", "parent": {}}"#) }
    }

    @Test("models that contain each other through an enum decode and encode both ways")
    func indirectRecursion() throws {
        let text = #"{"left":{"value":1},"right":{"left":{"value":2},"right":{"value":3}}}"#
        let expression = try decode(Expression.self, text)
        guard case .sum(let sum) = expression, case .sum(let inner) = sum.right else {
            Issue.record("decoded \(expression)")
            return
        }
        #expect(sum.left == .literal(Literal(value: 1)))
        #expect(inner.right == .literal(Literal(value: 3)))
        #expect(try encode(expression) == text)
    }

    @Test("required members that may be null (nullable: true, anyOf or oneOf with null) are optional and decode null")
    func nullable() throws {
        let delivery = try decode(Delivery.self, #"{"note": null, "courier": null, "window": null, "attempts": 2}"#)
        #expect(delivery.note == nil && delivery.courier == nil && delivery.window == nil && delivery.attempts == 2)
        let full = try decode(Delivery.self, #"{"note": "n", "courier": {"customerId": "c1", "email": "c@example.com"}, "window": {"from": "9"}, "attempts": 1}"#)
        #expect(full.courier?.customerId == "c1" && full.window?.from == "9")
        #expect(throws: DecodingError.self) { try decode(Delivery.self, #"{"note": null, "courier": null, "window": null}"#) }
    }

    @Test("a map model (additionalProperties true or a schema, no properties) is a dictionary; no member is lost")
    func maps() throws {
        let inventory = try decode(Inventory.self, #"{"lamp": {"count": 2}, "desk": {"count": 0}}"#)
        #expect(inventory == ["lamp": InventoryValue(count: 2), "desk": InventoryValue(count: 0)])
        let attributes = try decode(Attributes.self, #"{"colour": "red", "size": 3, "tags": ["a"]}"#)
        #expect(attributes.count == 3)
        #expect(try encode(attributes) == #"{"colour":"red","size":3,"tags":["a"]}"#)
    }

    @Test("a string enum keeps a value the definition does not list, and sends it back unchanged")
    func openEnums() throws {
        #expect(try decode([ListProductsStatus].self, #"["in-stock", "on-order"]"#) == [.inStock, .undocumented("on-order")])
        #expect(try encode([ListProductsStatus.soldOut, .undocumented("on-order")]) == #"["sold_out","on-order"]"#)
        #expect(ListProductsStatus.allCases == [.inStock, .soldOut, .discontinued])
        #expect(ListProductsStatus(rawValue: "discontinued") == .discontinued)
        #expect(throws: DecodingError.self) { try decode(ListProductsStatus.self, "3") }
    }

    @Test("formats: date-time is Date (RFC 3339, with and without fractional seconds), uuid UUID, byte Data, int32 Int32, date CalendarDate")
    func formats() throws {
        let text = #"{"id": "5E2C7A6B-8F3D-4C1A-9B2E-1D0F3A4B5C6D", "shippedAt": "2026-12-07T10:20:30Z", "label": "aGk=", "parcels": 2, "day": "2026-12-07"}"#
        let shipment = try decode(Shipment.self, text)
        #expect(shipment.id == UUID(uuidString: "5E2C7A6B-8F3D-4C1A-9B2E-1D0F3A4B5C6D"))
        #expect(shipment.shippedAt == Date(timeIntervalSince1970: 1_796_638_830))
        #expect(shipment.label == Data("hi".utf8))
        #expect(shipment.parcels == Int32(2))
        #expect(shipment.day == CalendarDate(year: 2026, month: 12, day: 7))
        #expect(try encode(shipment) == #"{"day":"2026-12-07","id":"5E2C7A6B-8F3D-4C1A-9B2E-1D0F3A4B5C6D","label":"aGk=","parcels":2,"shippedAt":"2026-12-07T10:20:30Z"}"#)
        let fractional = try decode(Shipment.self, text.replacingOccurrences(of: "10:20:30Z", with: "12:20:30.250+02:00"))
        #expect(fractional.shippedAt == Date(timeIntervalSince1970: 1_796_638_830.25))
        #expect(WireJSON.text(fractional.shippedAt) == "2026-12-07T10:20:30.250Z")
        #expect(throws: DecodingError.self) { try decode(Shipment.self, text.replacingOccurrences(of: "2026-12-07T10:20:30Z", with: "yesterday")) }
        #expect(throws: DecodingError.self) { try decode(Shipment.self, text.replacingOccurrences(of: "aGk=", with: "not base64!")) }
    }

    @Test("parameter descriptions become - Parameter lines; a deprecated operation is @available(*, deprecated)")
    func documentation() throws {
        let client = try String(contentsOfFile: packageRoot + "/Tests/StoreClient/Client.swift", encoding: .utf8)
        #expect(client.contains("    /// - Parameter limit: At most this many products (the server may send fewer).\n"))
        #expect(client.contains("    @available(*, deprecated, message: \"the API marks this operation deprecated\")\n    public func listProductsLegacy() async throws(ClientError) -> Products {"))
        #expect(client.components(separatedBy: "@available(*, deprecated").count == 2)
    }

    @Test("servers with variables: a function per entry builds the base URL from typed arguments with the defaults")
    func servers() throws {
        #expect(StoreClient.Servers.server1()?.absoluteString == "https://abc123.execute-api.us-east-1.amazonaws.com/prod")
        #expect(StoreClient.Servers.server1(api: "x9", region: .euWest1, stage: "dev")?.absoluteString == "https://x9.execute-api.eu-west-1.amazonaws.com/dev")
        // A variable limited to an enum is typed: only its values compile.
        #expect(StoreClient.Servers.Server1Region.allCases.map(\.rawValue) == ["us-east-1", "eu-west-1"])
        #expect(StoreClient.Servers.server2()?.absoluteString == "http://127.0.0.1:8080/prod")
        #expect(StoreClient.Servers.server1(api: "a b") == nil)
    }

    @Test("required readOnly and writeOnly members are optional: a request never sends the one, a response leaves out the other")
    func readAndWriteOnly() throws {
        let request = Account(email: "a@example.com", password: "correct horse battery")
        #expect(try encode(request) == #"{"email":"a@example.com","password":"correct horse battery"}"#)
        let response = try decode(Account.self, #"{"accountId": "acc-1", "email": "a@example.com"}"#)
        #expect(response.accountId == "acc-1" && response.password == nil)
        // Read back and sent again: the read-only member stays home.
        var update = response
        update.password = "new one"
        #expect(try encode(update) == #"{"email":"a@example.com","password":"new one"}"#)
        #expect(throws: DecodingError.self) { try decode(Account.self, #"{"accountId": "acc-1"}"#) }
    }

    @Test("oneOf with a discriminator: the member's value picks the case (mapping keys, else model names), both ways")
    func discriminator() throws {
        let pets = try decode([Pet].self, #"[{"petType": "cat", "name": "Tom"}, {"petType": "kitten"}, {"petType": "dog", "name": "Rex"}, {"petType": "Lizard"}]"#)
        #expect(pets == [.cat(Cat(petType: "cat", name: "Tom")), .cat(Cat(petType: "kitten")), .dog(Dog(petType: "dog", name: "Rex")), .lizard(Lizard(petType: "Lizard"))])
        #expect(try encode(pets[2]) == #"{"name":"Rex","petType":"dog"}"#)
        #expect(throws: DecodingError.self) { try decode(Pet.self, #"{"petType": "fish"}"#) }
        #expect(throws: DecodingError.self) { try decode(Pet.self, #"{"name": "no tag"}"#) }
    }
}

/// Defaults, additional members beside properties, `format: date` and deprecated properties.
@Suite("generated models keep defaults, additional members and days")
struct ModelMemberTests {
    @Test("an absent member with a default decodes as the default; a value built in Swift leaves it out unless set")
    func defaults() throws {
        let settings = try decode(Settings.self, #"{"owner": "ann"}"#)
        #expect(settings.pageSize == 20)
        #expect(settings.theme == .light)
        #expect(settings.ratio == 1.5)
        #expect(settings.notify == true)
        #expect(settings.greeting == #"hello "you""#)
        #expect(settings == Settings(owner: "ann", pageSize: 20, theme: .light, ratio: 1.5, notify: true, greeting: #"hello "you""#))
        #expect(try encode(Settings(owner: "ann")) == #"{"owner":"ann"}"#, "an update never sends a default it was not given")
        #expect(try encode(Settings(owner: "ann", notify: false)) == #"{"notify":false,"owner":"ann"}"#)
        let given = try decode(Settings.self, #"{"owner": "ann", "pageSize": 5, "theme": "dark", "notify": false, "ratio": null}"#)
        #expect(given.pageSize == 5 && given.theme == .dark && given.notify == false && given.ratio == 1.5)
        #expect(throws: DecodingError.self) { try decode(Settings.self, #"{"pageSize": 5}"#) }
    }

    @Test("members properties does not name are kept in additionalProperties and written back")
    func additionalMembers() throws {
        let text = #"{"owner":"ann","beta":{"enabled":true},"zeta":{}}"#
        let settings = try decode(Settings.self, text)
        #expect(settings.additionalProperties == ["beta": .init(enabled: true), "zeta": .init()])
        let written = try encode(settings)
        #expect(try decode(Settings.self, written) == settings)
        #expect(written.contains(#""beta":{"enabled":true}"#) && written.contains(#""zeta":{}"#))
        #expect(throws: DecodingError.self) { try decode(Settings.self, #"{"owner":"ann","beta":3}"#) }

        let labels = try decode(Labels.self, #"{"id":"x","color":"red","size":[1,2]}"#)
        #expect(labels.id == "x")
        #expect(labels.additionalProperties == ["color": .string("red"), "size": .array([.number(1), .number(2)])])
        #expect(try encode(labels) == #"{"color":"red","id":"x","size":[1,2]}"#)
    }

    @Test("format date is a CalendarDate: YYYY-MM-DD, real days only")
    func calendarDates() throws {
        let settings = try decode(Settings.self, #"{"owner": "ann", "since": "2024-02-29"}"#)
        #expect(settings.since == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(try encode(CalendarDate(year: 7, month: 3, day: 1)!) == #""0007-03-01""#)
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "2024-01-01T00:00:00Z", "2024-01-32", "２０２４-01-01"] {
            #expect(throws: DecodingError.self, "\(bad)") { try decode(Settings.self, #"{"owner": "ann", "since": "\#(bad)"}"#) }
        }
        #expect(CalendarDate("2024-01-05")! < CalendarDate("2024-02-01")!)
    }

    @Test("a deprecated property is read and written under its name")
    func deprecatedProperty() throws {
        let settings = try decode(Settings.self, #"{"owner": "ann", "legacyCode": "L1"}"#)
        #expect(try encode(settings).contains(#""legacyCode":"L1""#))
        #expect(Settings(owner: "a", legacyCode: "L2") != Settings(owner: "a"))
    }
}

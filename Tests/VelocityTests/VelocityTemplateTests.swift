import Foundation
import TestSupport
import MappingTemplates
import Testing
import Velocity

@Suite("Mapping templates, table-driven")
struct TemplateTableTests {
    @Test("renders exactly", arguments: TemplateCases.all)
    func renders(_ sample: TemplateCase) throws {
        let template = try MappingTemplate(sample.template)
        #expect(try template.render(sample.input).body == sample.expected)
    }

    @Test("the table covers at least 80 cases")
    func size() { #expect(TemplateCases.all.count >= 80) }
}

@Suite("The lab's templates")
struct LabTemplateTests {
    static let listTemplate = """
        #set($inputRoot = $input.path('$'))
        [
        #foreach($ID in [1, 2, 3])
          #set($price = $ID * 1.5)
          {
            "ID" : $ID,
            "name" : "foo$ID",
            "price" : $price
          }#if($foreach.hasNext),#end

        #end
        ]
        """

    static let itemTemplate = """
        #set($Integer = 1)
        #set($ID = $Integer.parseInt($input.params("ID")))
        #set($price = $ID * 1.5)
        {"ID" : $ID, "name" : "foo$ID", "price" : $price}
        """

    @Test("the /items mock lists three items with prices 1.5, 3.0 and 4.5 and correct commas")
    func list() throws {
        let output = try MappingTemplate(Self.listTemplate).render(MappingTemplateInput()).body
        #expect(
            output == """
                [
                  {
                    "ID" : 1,
                    "name" : "foo1",
                    "price" : 1.5
                  },
                  {
                    "ID" : 2,
                    "name" : "foo2",
                    "price" : 3.0
                  },
                  {
                    "ID" : 3,
                    "name" : "foo3",
                    "price" : 4.5
                  }
                ]
                """)
    }

    @Test("the /items/{ID} mock gives the item for ID 1")
    func item() throws {
        let input = MappingTemplateInput(parameters: RequestParameters(path: [("ID", "1")]))
        #expect(try MappingTemplate(Self.itemTemplate).render(input).body == #"{"ID" : 1, "name" : "foo1", "price" : 1.5}"#)
    }

    @Test("the request template passes the path parameter")
    func request() throws {
        let input = MappingTemplateInput(parameters: RequestParameters(path: [("ID", "7")]))
        #expect(try MappingTemplate(#"{"ID": $input.params("ID")}"#).render(input).body == #"{"ID": 7}"#)
    }
}

@Suite("Overrides")
struct OverrideTests {
    @Test("responseOverride status and headers are read back; only integers in 100–599 count")
    func responseOverride() throws {
        let template = try MappingTemplate(
            #"#set($context.responseOverride.status = 202)#set($context.responseOverride.header.X-Test = "yes")done"#)
        let output = try template.render(MappingTemplateInput())
        #expect(output.body == "done")
        #expect(output.overrides.responseStatus == 202)
        #expect(output.overrides.responseHeaders == ["X-Test": "yes"])
        let invalid = try MappingTemplate("#set($context.responseOverride.status = 700)")
        #expect(try invalid.render(MappingTemplateInput()).overrides.responseStatus == nil)
    }

    @Test("a response template sees what the request template set")
    func carriedOver() throws {
        let request = try MappingTemplate(#"#set($context.requestOverride.header.h = "v")#set($context.responseOverride.status = 201)"#)
        let first = try request.render(MappingTemplateInput())
        #expect(first.overrides.requestHeaders == ["h": "v"])
        let response = try MappingTemplate("$context.requestOverride.header.h $context.responseOverride.status")
        #expect(try response.render(MappingTemplateInput(overrides: first.overrides)).body == "v 201")
    }
}

@Suite("$input.path hands out the payload itself")
struct SharedPayloadTests {
    /// AWS's `apigw-mappingtemplate-lambda` sample: its response template changes the object
    /// `$input.path('$')` gave and writes `$input.json('$')`, answering 400 with the change.
    @Test("a member set on $input.path('$') shows in a later $input.json('$') of the same render")
    func changedRootShows() throws {
        let template = try MappingTemplate(
            """
            #set($root = $input.path('$'))
            #set($root.body = "changed")
            #set($context.responseOverride.status = 400)
            $input.json('$')
            """)
        let output = try template.render(MappingTemplateInput(body: #"{"statuscode":650,"body":"original"}"#))
        #expect(output.body.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"statuscode":650,"body":"changed"}"#)
        #expect(output.overrides.responseStatus == 400)
    }

    @Test("lists and nested maps are shared too; a fresh render starts from the payload again")
    func nestedAndFresh() throws {
        let template = try MappingTemplate(
            #"#set($items = $input.path('$.items'))#set($ignored = $items.add(3))#set($first = $input.path('$.owner'))#set($first.name = "B")$input.json('$.items') $input.path('$.items') $input.json('$.owner.name') $input.json('$..name')"#)
        let input = MappingTemplateInput(body: #"{"items":[1,2],"owner":{"name":"A"}}"#)
        #expect(try template.render(input).body == #"[1,2,3] [1,2,3] "B" ["B"]"#)
        #expect(try template.render(input).body == #"[1,2,3] [1,2,3] "B" ["B"]"#)
        // Without $input.path the payload is read as sent.
        #expect(try MappingTemplate(#"$input.json('$.owner')"#).render(input).body == #"{"name":"A"}"#)
    }
}

@Suite("Errors and limits")
struct TemplateErrorTests {
    @Test("syntax errors carry line, column and a caret report", arguments: [
        ("#if(true)\nno end", 1, 1, "#if without a matching #end"),
        ("ok\n#end", 2, 1, "#end without a matching block"),
        ("#set($a = )", 1, 11, "unexpected ')' in an expression"),
        ("#foreach($x [1])#end", 1, 13, "expected 'in' in #foreach"),
        ("#set(a = 1)", 1, 6, "#set needs a reference to assign, like $name"),
        ("x\n  #if($a == 'b)#end", 2, 13, "unterminated string"),
        ("#include('x')", 1, 1, "#include is not supported in API Gateway mapping templates"),
    ])
    func syntax(_ sample: (String, Int, Int, String)) {
        #expect {
            _ = try VelocityTemplate(sample.0)
        } throws: { error in
            guard let error = error as? VelocitySyntaxError else { return false }
            return error.location == SourceLocation(line: sample.1, column: sample.2) && error.reason == sample.3
                && error.description.hasSuffix(String(repeating: " ", count: sample.2 - 1) + "^")
        }
    }

    @Test("a method that throws in Java is a typed runtime error with its location")
    func runtime() throws {
        let template = try VelocityTemplate(#"#set($Integer = 1)x $Integer.parseInt("abc")"#)
        #expect {
            _ = try template.render([:])
        } throws: { error in
            guard let error = error as? VelocityRuntimeError, case .methodFailed(let method, let message) = error.kind else { return false }
            return method == "parseInt" && message.contains("NumberFormatException") && error.location?.line == 1
        }
    }

    @Test("#foreach stops after 1,000 iterations")
    func foreachLimit() throws {
        let output = try VelocityTemplate("#foreach($i in [1..5000])x#end").render([:])
        #expect(output.count == 1000)
    }

    @Test("templates over 300 KB are refused")
    func size() {
        #expect(throws: MappingTemplateError.tooLarge(bytes: 300 * 1024 + 1, limit: 300 * 1024)) {
            try MappingTemplate(String(repeating: "x", count: 300 * 1024 + 1))
        }
    }

    @Test("output, step and recursion bounds end runaway templates with an error")
    func bounds() throws {
        var limits = VelocityLimits()
        limits.outputBytes = 1000
        #expect(throws: VelocityRuntimeError.self) {
            try VelocityTemplate("#foreach($i in [1..1000])#foreach($j in [1..1000])xx#end#end", limits: limits).render([:])
        }
        #expect(throws: VelocityRuntimeError.self) {
            try VelocityTemplate("#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])#end#end#end").render([:])
        }
        #expect(throws: VelocityRuntimeError.self) { try VelocityTemplate("#macro(loop)#loop()#end#loop()").render([:]) }
    }

    @Test("random and truncated templates: parsed or refused, never a crash or a hang; what parses renders the same twice")
    func fuzz() {
        let seed = TestSeed.value()
        let sample = Array(
            #"#set($m = {"a": [1, 2.5]})#foreach($x in $m.a)$x#if($foreach.hasNext), #end#end ${m.a[0]} $!y.z('q', 1) #* c *# ## d"#)
        for length in 0...sample.count { _ = try? VelocityTemplate(String(sample[0..<length])).render([:]) }
        let alphabet = Array("#$!{}()[]\"'.,=<>+-*/% \n\tabcdefinstoreach0123456789")
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<5000 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            guard let template = try? VelocityTemplate(text) else { continue }
            let first = try? template.render(["a": .list(VelocityList([.int(1)]))])
            #expect((try? template.render(["a": .list(VelocityList([.int(1)]))])) == first, "seed \(seed) (TEST_SEED=\(seed) replays it): \(text)")
        }
    }
}

@Suite("Deep nesting")
struct DeepNestingTests {
    @Test("deeply nested blocks and expressions are a syntax error, not a crash")
    func deep() {
        #expect(throws: VelocitySyntaxError.self) {
            try VelocityTemplate(String(repeating: "#if(true)", count: 100_000) + String(repeating: "#end", count: 100_000))
        }
        #expect(throws: VelocitySyntaxError.self) { try VelocityTemplate("#set($a = " + String(repeating: "(", count: 100_000) + "1)") }
        #expect(throws: VelocitySyntaxError.self) { try VelocityTemplate("#set($a = " + String(repeating: "!", count: 100_000) + "true)") }
        #expect(throws: Never.self) { try VelocityTemplate(String(repeating: "#if(true)", count: 50) + "x" + String(repeating: "#end", count: 50)) }
    }
}

import MappingTemplates
import Testing
import Velocity

/// Templates an attacker (or a careless author) would write (issue #11): each ends with
/// output or a typed `VelocityRuntimeError` naming the limit, never a crash or a hang.
@Suite("Hostile templates")
struct HostileTemplateTests {
    /// Renders and returns the runtime error's kind (nil when it rendered).
    func failure(_ source: String, body: String = "", limits: VelocityLimits = VelocityLimits()) throws -> VelocityRuntimeError.Kind? {
        let template = try MappingTemplate(source, limits: limits)
        do {
            _ = try template.render(MappingTemplateInput(body: body))
            return nil
        } catch {
            return error.kind
        }
    }

    @Test("a range whose ends are far apart (even overflowing) is a step-limit error", arguments: [
        #"#foreach($i in [1..$input.path('$.n')])x#end"#, #"#set($r = [$input.path('$.n')..9223372036854775807])"#,
    ])
    func hugeRanges(_ source: String) throws {
        for n in ["-9223372036854775807", "-9223372036854775808", "-2000000000"] {
            #expect(try failure(source, body: #"{"n": \#(n)}"#) == .tooManySteps(limit: 2_000_000), "n = \(n)")
        }
        #expect(try failure(#"#foreach($i in [1..$input.path('$.n')])x#end"#, body: #"{"n": 3}"#) == nil)
    }

    @Test("#define blocks that reference themselves stop at the recursion limit", arguments: [
        "#define($x)$x#end$x", "#define($a)$b#end#define($b)$a#end$a", "#define($x)#set($y = \"$x\")#end$x",
        "#macro(m)#define($d)#m()#end$d#end#m()",
    ])
    func recursiveDefines(_ source: String) throws {
        #expect(try failure(source) == .recursionTooDeep(limit: 64))
    }

    @Test("a collection inside itself prints as Java prints it, or is an error when reached indirectly")
    func selfContaining() throws {
        let direct = try MappingTemplate("#set($l = [])#set($x = $l.add($l))$l #set($m = {})#set($x = $m.put('k', $m))$m")
        #expect(try direct.render(MappingTemplateInput()).body == "[(this Collection)]{k=(this Map)}")
        #expect(try failure("#set($a = [])#set($b = [$a])#set($x = $a.add($b))$a") == .valueTooDeep(limit: 64))
        #expect(try failure("#set($a = [])#set($b = [$a])#set($x = $a.add($b))#if($a == 'x')#end") == .valueTooDeep(limit: 64))
        // A list from JSON prints as JSON, which may nest as deep as the parser allows (512) and then some.
        #expect(try failure(#"#set($l = $input.path('$.a'))#set($x = $l.add($l))$l"#, body: #"{"a": [1]}"#) == .valueTooDeep(limit: 512 + 64))
        #expect(try failure("#set($l = [])#set($x = $l.add($l))$util.escapeJavaScript($l)") == nil)
    }

    @Test("strings doubled by methods stop at the string limit, before the allocation", arguments: [
        #"#set($s = "ab")#foreach($i in [1..40])#set($s = $s.concat($s))#end$s.length()"#,
        #"#set($s = "ab")#foreach($i in [1..40])#set($s = $s.replace("a", $s))#end$s.length()"#,
        #"#set($s = "ab")#foreach($i in [1..40])#set($s = $s.replaceAll("a", $s))#end$s.length()"#,
        #"#set($s = "ab")#foreach($i in [1..40])#set($s = "$s$s")#end$s.length()"#,
        #"#set($s = "ab")#foreach($i in [1..40])#set($s = $s + $s)#end$s.length()"#,
        #"#set($s = "\\")#foreach($i in [1..40])#set($s = $util.escapeJavaScript($s))#end$s.length()"#,
    ])
    func doubling(_ source: String) throws {
        let kind = try failure(source)
        #expect(kind == .stringTooLarge(limit: 10 * 1024 * 1024) || kind == .outputTooLarge(limit: 10 * 1024 * 1024), "\(String(describing: kind))")
    }

    @Test("the text one render builds is bounded in all, not only string by string")
    func textBudget() throws {
        // 1 MB strings built 1,000 times: each is fine, together they are 1 GB.
        let source = #"#set($s = "0123456789")#foreach($i in [1..17])#set($s = "$s$s")#end#foreach($i in [1..1000])#set($t = $s.concat("x"))#end"#
        #expect(try failure(source) == .textBudgetExceeded(limit: 64 * 1024 * 1024))
    }

    @Test("regular-expression methods share one budget per render and say so when it runs out")
    func regexBudget() throws {
        // Without backreferences the answers come in linear time: 5,000 calls render.
        let linear = try MappingTemplate(
            #"#set($s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")#foreach($i in [1..1000])#foreach($j in [1..5])#if($s.matches("(a+)+b"))x#end#end#end done"#)
        #expect(try linear.render(MappingTemplateInput()).body.hasSuffix("done"))
        // With a backreference only backtracking works: the render's regex budget ends it.
        let kind = try failure(#"#set($s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")#foreach($i in [1..1000])$s.matches("(a|a)*\1b")#end"#)
        guard case .regexBudgetExceeded(let limit, let pattern)? = kind else {
            Issue.record("expected the regex budget error, got \(String(describing: kind))")
            return
        }
        #expect(limit == 10_000_000)
        #expect(pattern == #"(a|a)*\1b"#)
        #expect(try failure(#"$input.body.replaceAll("(a|a)*\1b", "x")"#, body: String(repeating: "a", count: 60)) != nil)
        #expect(try failure(#"$input.body.split("(a|a)*\1b").size()"#, body: String(repeating: "a", count: 60)) != nil)
    }

    /// Found by the fuzzer: patterns built at run time were compiled afresh on every call, at
    /// no cost to the render.
    @Test("compiling long patterns built at run time costs the render's steps")
    func patternCompilation() throws {
        let source = #"#set($p = "a")#foreach($i in [1..13])#set($p = "$p$p")#end#set($s = "b")#foreach($i in [1..1000])#set($x = $s.matches("$p$i"))#end"#
        let kind = try failure(source)
        #expect(kind == .tooManySteps(limit: 2_000_000), "\(String(describing: kind))")
        #expect(try failure(#"#set($s = "abc")#set($x = $s.matches("a.c"))$x"#) == nil)
        // Short patterns whose repetitions expand to large programs cost what they expand to.
        let expanding = #"#set($s = "b")#foreach($i in [1..1000])#set($x = $s.matches("(ab{1000}){40}|$i"))#end"#
        #expect(try failure(expanding) == .tooManySteps(limit: 2_000_000))
    }

    @Test("JSONPath recursive descent on a deep document is bounded by the steps")
    func jsonPathExplosion() throws {
        let body = String(repeating: #"{"a":"#, count: 400) + "1" + String(repeating: "}", count: 400)
        #expect(try failure(#"$input.json('$..a..a..a..a')"#, body: body) == .tooManySteps(limit: 2_000_000))
        #expect(try failure(#"#set($x = $input.path('$..a..a..a'))$x.size()"#, body: body) == .tooManySteps(limit: 2_000_000))
        // Selections that stay small still work.
        let template = try MappingTemplate(#"$input.path('$..a').size()"#)
        #expect(try template.render(MappingTemplateInput(body: body)).body == "400")
    }

    @Test("errors from a render carry the template position where they are known")
    func location() throws {
        let template = try VelocityTemplate("line one\n  #define($x)$x#end$x")
        do {
            _ = try template.render([:])
            Issue.record("rendered")
        } catch {
            #expect(error.location?.line == 2)
            #expect(error.description.contains("recursion deeper than 64"))
        }
    }
}

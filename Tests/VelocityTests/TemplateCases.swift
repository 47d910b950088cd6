import MappingTemplates
import Testing

/// One template, its input, and the exact output expected.
struct TemplateCase: CustomStringConvertible, Sendable {
    let name: String
    let template: String
    let body: String
    let path: [(String, String)]
    let query: [(String, String)]
    let headers: [(String, String)]
    let stageVariables: [(String, String)]
    let expected: String

    init(
        _ name: String, _ template: String, body: String = "", path: [(String, String)] = [], query: [(String, String)] = [],
        headers: [(String, String)] = [], stage: [(String, String)] = [], expect expected: String
    ) {
        self.name = name
        self.template = template
        self.body = body
        self.path = path
        self.query = query
        self.headers = headers
        self.stageVariables = stage
        self.expected = expected
    }

    var description: String { name }

    var input: MappingTemplateInput {
        var context = RequestContext()
        context.requestId = "req-1"
        context.stage = "prod"
        context.resourcePath = "/items/{ID}"
        context.httpMethod = "GET"
        context.path = "/prod/items/3"
        context.apiId = "abc123"
        context.identity = ["sourceIp": "127.0.0.1", "apiKey": "KEY", "userAgent": "curl/8"]
        return MappingTemplateInput(
            body: body, parameters: RequestParameters(path: path, querystring: query, header: headers), context: context,
            stageVariables: stageVariables)
    }
}

/// Cases written from GATEWAY-REFERENCE §5–§7 and the Velocity 1.7 user guide.
enum TemplateCases {
    static let references: [TemplateCase] = [
        TemplateCase("plain text passes through", "hello world", expect: "hello world"),
        TemplateCase("simple reference", #"#set($a = "x")$a"#, expect: "x"),
        TemplateCase("formal reference", #"#set($a = "x")${a}y"#, expect: "xy"),
        TemplateCase("quiet reference renders like a normal one", #"$!missing|$missing"#, expect: "|"),
        TemplateCase("undefined reference renders empty (AWS)", "[$nothing]", expect: "[]"),
        TemplateCase("undefined property chain renders empty", "[$a.b.c]", expect: "[]"),
        TemplateCase("a lone dollar stays", "cost: $ 5 and $5", expect: "cost: $ 5 and $5"),
        TemplateCase("trailing dot is text", #"#set($a = "x")$a."#, expect: "x."),
        TemplateCase("escaped dollar and hash", ##"\$a \#set"##, expect: "$a #set"),
        TemplateCase("map property access", #"#set($m = {"k": "v"})$m.k"#, expect: "v"),
        TemplateCase("index by number", #"#set($l = ["a", "b"])$l[1]"#, expect: "b"),
        TemplateCase("index by key and by variable", #"#set($m = {"k": 1})#set($key = "k")$m["k"]$m[$key]"#, expect: "11"),
        TemplateCase("hyphenated keys", #"#set($m = {"X-Amz-Target": "t"})$m.X-Amz-Target"#, expect: "t"),
        TemplateCase("method with arguments", #"#set($s = "hello")$s.substring(1, 3)"#, expect: "el"),
        TemplateCase("getter through property syntax", #"#set($s = "")$s.empty"#, expect: "true"),
    ]

    static let directives: [TemplateCase] = [
        TemplateCase("#set into a map path", #"#set($m = {})#set($m.k = "v")$m.k"#, expect: "v"),
        TemplateCase("#set into a bracket key from a variable", #"#set($m = {})#set($k = "a")#set($m[$k] = 1)$m"#, expect: "{a=1}"),
        TemplateCase("#set with a null value keeps the old value", #"#set($a = "old")#set($a = $missing)$a"#, expect: "old"),
        TemplateCase("#if true", "#if(true)yes#end", expect: "yes"),
        TemplateCase("#if false with #else", "#if(false)yes#{else}no#end", expect: "no"),
        TemplateCase("#elseif chain", "#set($n = 2)#if($n == 1)one#elseif($n == 2)two#{else}many#end", expect: "two"),
        TemplateCase("#if on undefined is false", "#if($missing)yes#{else}no#end", expect: "no"),
        TemplateCase("#if on an empty string is true (Velocity 1.7)", #"#set($s = "")#if($s)yes#{else}no#end"#, expect: "yes"),
        TemplateCase("#foreach over a list", "#foreach($x in [1, 2, 3])$x#end", expect: "123"),
        TemplateCase("#foreach hasNext for separators", "#foreach($x in [1, 2, 3])$x#if($foreach.hasNext),#end#end", expect: "1,2,3"),
        TemplateCase("#foreach index and count", "#foreach($x in ['a', 'b'])$foreach.index:$foreach.count #end", expect: "0:1 1:2 "),
        TemplateCase("#foreach first and last", "#foreach($x in [1, 2, 3])#if($foreach.first)[#end$x#if($foreach.last)]#end#end", expect: "[123]"),
        TemplateCase("$velocityCount is 1-based", "#foreach($x in ['a', 'b'])$velocityCount#end", expect: "12"),
        TemplateCase("#foreach over a range", "#foreach($i in [1..4])$i#end", expect: "1234"),
        TemplateCase("#foreach over a descending range", "#foreach($i in [3..1])$i#end", expect: "321"),
        TemplateCase("#foreach over a variable range", "#set($n = 2)#foreach($i in [0..$n])$i#end", expect: "012"),
        TemplateCase("#foreach over a map iterates its values", #"#foreach($v in {"a": 1, "b": 2})$v#end"#, expect: "12"),
        TemplateCase("#foreach over keySet", #"#set($m = {"a": 1, "b": 2})#foreach($k in $m.keySet())$k=$m.get($k);#end"#, expect: "a=1;b=2;"),
        TemplateCase("#foreach over nothing", "#foreach($x in $missing)never#end", expect: ""),
        TemplateCase("nested #foreach keeps $foreach per loop", "#foreach($a in [1, 2])#foreach($b in [1, 2])$foreach.count#end$foreach.count #end", expect: "121 122 "),
        TemplateCase("#break leaves the loop", "#foreach($x in [1, 2, 3])#if($x == 2)#break#end$x#end", expect: "1"),
        TemplateCase("#stop ends the template", "a#stop b", expect: "a"),
        TemplateCase("#define renders where referenced", "#define($block)x=$x#end#set($x = 1)$block;#set($x = 2)$block", expect: "x=1;x=2"),
        TemplateCase("#set swallows spaces before it even mid-line (Velocity 1.7)", "a  #set($x = 1)b", expect: "ab"),
        TemplateCase("inline #macro with arguments", "#macro(greet $who)hi $who#end#greet('bob') #greet(\"amy\")", expect: "hi bob hi amy"),
        TemplateCase("## line comments vanish with their newline", "a## comment\nb", expect: "ab"),
        TemplateCase("#* block comments *# vanish", "a#* x\ny *#b", expect: "ab"),
        TemplateCase("#[[ unparsed ]]# content", "#[[$a #if]]#", expect: "$a #if"),
        TemplateCase("a hash that is not a directive stays", "#1 and # and #nomacro", expect: "#1 and # and #nomacro"),
    ]

    static let whitespace: [TemplateCase] = [
        TemplateCase("#set swallows its indentation and newline", "a\n  #set($x = 1)\nb$x", expect: "a\nb1"),
        TemplateCase("#if and #end lines swallow their newlines", "#if(true)\nyes\n#end\nafter", expect: "yes\nafter"),
        TemplateCase("indentation before #if is kept (Velocity 1.7)", "  #if(true)x#end", expect: "  x"),
        TemplateCase("#foreach lines swallow their newline", "[\n#foreach($i in [1, 2])\n$i\n#end\n]", expect: "[\n1\n2\n]"),
        TemplateCase("text after a directive on the same line is kept", "#if(true) x #end!", expect: " x !"),
        TemplateCase("CRLF newlines are swallowed too", "#set($a = 1)\r\n$a", expect: "1"),
    ]

    static let literalsAndOperators: [TemplateCase] = [
        TemplateCase("double-quoted strings interpolate", #"#set($n = "W")#set($s = "hi $n!")$s"#, expect: "hi W!"),
        TemplateCase("single-quoted strings do not", #"#set($n = "W")#set($s = 'hi $n')$s"#, expect: "hi $n"),
        TemplateCase("backslashes in strings are kept", #"#set($s = "a\'b")$s"#, expect: #"a\'b"#),
        TemplateCase("list literal renders Java-style", "#set($l = [1, 'a', true])$l", expect: "[1, a, true]"),
        TemplateCase("map literal renders Java-style", #"#set($m = {"a": 1, "b": [2]})$m"#, expect: "{a=1, b=[2]}"),
        TemplateCase("integer division stays integral", "#set($r = 7 / 2)$r", expect: "3"),
        TemplateCase("remainder", "#set($r = 7 % 3)$r", expect: "1"),
        TemplateCase("a double operand widens", "#set($r = 2 * 1.5)$r", expect: "3.0"),
        TemplateCase("whole doubles print with .0", "#set($r = 1 + 1.0)$r", expect: "2.0"),
        TemplateCase("decimals print as Java does", "#set($r = 0.1 + 0.2)$r", expect: "0.30000000000000004"),
        TemplateCase("large doubles use E notation", "#set($r = 1.0 * 12345678)$r", expect: "1.2345678E7"),
        TemplateCase("small doubles use E notation", "#set($r = 0.0001 * 1)$r", expect: "1.0E-4"),
        TemplateCase("integer overflow widens", "#set($r = 9223372036854775807 + 1)$r", expect: "9.223372036854776E18"),
        TemplateCase("division by zero is null", "#set($r = 'kept')#set($r = 1 / 0)$r", expect: "kept"),
        TemplateCase("subtraction and negation", "#set($r = 5 - 8)$r|#set($n = -$r)$n", expect: "-3|3"),
        TemplateCase("string concatenation with +", #"#set($s = "a" + 1 + 2)$s"#, expect: "a12"),
        TemplateCase("numbers compare numerically", "#if(1 == 1.0)eq#end #if(2 > 1.5)gt#end", expect: "eq gt"),
        TemplateCase("strings compare by value", #"#set($a = "x")#if($a == "x")same#end"#, expect: "same"),
        TemplateCase("null equals the empty string (AWS)", #"#if($missing == "")empty#end"#, expect: "empty"),
        TemplateCase("null equals null", "#if($missing == $other)both#end", expect: "both"),
        TemplateCase("!= '' is false for undefined (AWS)", "#if($foo.bar != '')set#{else}unset#end", expect: "unset"),
        TemplateCase("word operators", "#if(1 lt 2 and not false or false)ok#end", expect: "ok"),
        TemplateCase("&& || ! with precedence", "#if(!false && (false || true))ok#end", expect: "ok"),
        TemplateCase("number and string compare by text", #"#if(1 == "1")same#end"#, expect: "same"),
        TemplateCase("boolean literal prints", "#set($b = true)$b", expect: "true"),
    ]

    static let methods: [TemplateCase] = [
        TemplateCase("String.length", #"#set($s = "héllo")$s.length()"#, expect: "5"),
        TemplateCase("String.substring from", #"#set($s = "hello")$s.substring(2)"#, expect: "llo"),
        TemplateCase("String.indexOf", #"#set($s = "hello")$s.indexOf("l") $s.indexOf("z")"#, expect: "2 -1"),
        TemplateCase("String.contains / startsWith / endsWith", #"#set($s = "hello")$s.contains("ell") $s.startsWith("he") $s.endsWith("x")"#, expect: "true true false"),
        TemplateCase("String.replace is literal", #"#set($s = "a.b.c")$s.replace(".", "-")"#, expect: "a-b-c"),
        TemplateCase("String.replaceAll uses regex with groups", #"#set($s = "2024-01-31")$s.replaceAll("(\d+)-(\d+)-(\d+)", "$3/$2/$1")"#, expect: "31/01/2024"),
        TemplateCase("the escapeJavaScript idiom", #"$util.escapeJavaScript("it's").replaceAll("\\'", "'")"#, expect: "it's"),
        TemplateCase("String.split drops trailing empties", #"#set($csv = "a,b,,c,,")#set($parts = $csv.split(","))$parts.size() $parts"#, expect: "4 [a, b, , c]"),
        TemplateCase("case and trim", #"#set($s = "  MiXed ")$s.trim().toLowerCase()|$s.toUpperCase()"#, expect: "mixed|  MIXED "),
        TemplateCase("equals and isEmpty and charAt", #"#set($s = "abc")$s.equals("abc") $s.isEmpty() $s.charAt(1)"#, expect: "true false b"),
        TemplateCase("List.size / get / contains / isEmpty", "#set($l = [1, 2])$l.size() $l.get(0) $l.contains(2) $l.isEmpty()", expect: "2 1 true false"),
        TemplateCase("List.add returns true", "#set($l = [])$l.add(1) $l", expect: "true [1]"),
        TemplateCase("List.add result hidden through #set", "#set($l = [])#set($ignored = $l.add('x'))$l", expect: "[x]"),
        TemplateCase("Map.put returns null, renders nothing", #"#set($m = {})$m.put("a", 1)|$m"#, expect: "|{a=1}"),
        TemplateCase("Map.containsKey / size / isEmpty / get", #"#set($m = {"a": 1})$m.containsKey("a") $m.size() $m.isEmpty() $m.get("a")"#, expect: "true 1 false 1"),
        TemplateCase("Map.entrySet", #"#set($m = {"a": 1, "b": 2})#foreach($e in $m.entrySet())$e.key:$e.value #end"#, expect: "a:1 b:2 "),
        TemplateCase("Integer.parseInt through an instance", #"#set($Integer = 1)#set($n = $Integer.parseInt("42"))#set($m = $n + 1)$m"#, expect: "43"),
        TemplateCase("Long.parseLong through an instance", #"#set($Long = 100000000000000)$Long.parseLong("9000000000")"#, expect: "9000000000"),
        TemplateCase("Double.parseDouble through an instance", #"#set($Double = 0.0)$Double.parseDouble("2.5")"#, expect: "2.5"),
        TemplateCase("valueOf and toString", #"#set($Integer = 0)$Integer.valueOf("7") $Integer.toString(8)"#, expect: "7 8"),
        TemplateCase("unknown methods are null", #"#set($s = "x")[$s.noSuchMethod()]"#, expect: "[]"),
    ]

    static let apiGateway: [TemplateCase] = [
        TemplateCase("the lab's request template", #"{"ID": $input.params("ID")}"#, path: [("ID", "7")], expect: #"{"ID": 7}"#),
        TemplateCase("$input.params searches path, then query, then header", #"$input.params("a")|$input.params("b")|$input.params("c")"#,
            path: [("a", "p")], query: [("a", "q"), ("b", "q")], headers: [("a", "h"), ("C", "h")], expect: "p|q|h"),
        TemplateCase("$input.params() is a map of maps", "$input.params().path.ID $input.params().querystring.size()",
            path: [("ID", "3")], query: [("x", "1")], expect: "3 1"),
        TemplateCase("missing params are empty", "[$input.params('nope')]", expect: "[]"),
        TemplateCase("$input.body raw", "$input.body", body: #"{"a": 1}"#, expect: #"{"a": 1}"#),
        TemplateCase("$input.body of an empty payload is {}", "$input.body", expect: "{}"),
        TemplateCase("$input.body.anything is empty", "[$input.body.foo]", body: #"{"foo": 1}"#, expect: "[]"),
        TemplateCase("$input.json renders JSON text", "$input.json('$.a')", body: #"{"a": {"b": [1, "x"]}}"#, expect: #"{"b":[1,"x"]}"#),
        TemplateCase("$input.json('$') of an empty payload is {}", "$input.json('$')", expect: "{}"),
        TemplateCase("$input.json of a missing path is a JSON empty string", #"{"v": $input.json('$.missing')}"#, body: "{}", expect: #"{"v": ""}"#),
        TemplateCase("$input.path objects render Java-map style", "$input.path('$')", body: #"{"foo": "bar", "n": 1}"#, expect: "{foo=bar, n=1}"),
        TemplateCase("$input.path arrays render as JSON", "$input.path('$.list')", body: #"{"list": [{"foo": "bar"}]}"#, expect: #"[{"foo":"bar"}]"#),
        TemplateCase("an array inside an object renders as JSON inside the map", "$input.path('$')", body: #"{"foo": [{"nested": "bar"}]}"#,
            expect: #"{foo=[{"nested":"bar"}]}"#),
        TemplateCase("$input.path navigation", "$input.path('$.items').size() $input.path('$.items')[1].name $input.path('$.items[0].name')",
            body: #"{"items": [{"name": "Pen"}, {"name": "Ruler"}]}"#, expect: "2 Ruler Pen"),
        TemplateCase("JSONPath bracket names and wildcards", #"$input.json("$['a b'].c") $input.json('$.list[*].v') $input.json('$..v')"#,
            body: #"{"a b": {"c": 1}, "list": [{"v": 1}, {"v": 2}]}"#, expect: "1 [1,2] [1,2]"),
        TemplateCase("$input.path on a non-JSON payload", "$input.path('$')|$input.path('$.x')|", body: "plain text", expect: "plain text||"),
        TemplateCase("foreach over $input.path", "#foreach($i in $input.path('$'))$i.ID#if($foreach.hasNext),#end#end",
            body: #"[{"ID": 1}, {"ID": 2}]"#, expect: "1,2"),
        TemplateCase("$util.escapeJavaScript", #"$util.escapeJavaScript("say \"hi\"\n/é")"#, expect: #"say \\\"hi\\\"\\n\/\u00E9"#),
        TemplateCase("$util.urlEncode uses + for spaces", #"$util.urlEncode("a b&c=d/é")"#, expect: "a+b%26c%3Dd%2F%C3%A9"),
        TemplateCase("$util.urlDecode", #"$util.urlDecode("a+b%26c")"#, expect: "a b&c"),
        TemplateCase("$util.urlEncode of null is empty", "[$util.urlEncode($input.body.nothing)]", expect: "[]"),
        TemplateCase("$util.base64Encode / base64Decode", #"$util.base64Encode("hello") $util.base64Decode("aGVsbG8=")"#, expect: "aGVsbG8= hello"),
        TemplateCase("$util.parseJson gives navigable values", #"#set($o = $util.parseJson('{"a": [1, 2]}'))$o.a.size() $o.a"#, expect: "2 [1,2]"),
        TemplateCase("unknown $util functions are empty", "[$util.notAFunction('x')]", expect: "[]"),
        TemplateCase("$context fields", "$context.requestId $context.stage $context.resourcePath $context.httpMethod $context.identity.sourceIp",
            expect: "req-1 prod /items/{ID} GET 127.0.0.1"),
        TemplateCase("$context.identity null members render empty", "[$context.identity.user][$context.identity.apiKey]", expect: "[][KEY]"),
        TemplateCase("$context.get('identity') renders empty", #"[$context.get("identity")][$context.requestOverride]"#, expect: "[][]"),
        TemplateCase("$context.keySet() order as AWS iterates it", "$context.keySet()",
            expect: "[resourceId, resourcePath, httpMethod, extendedRequestId, requestTime, path, accountId, protocol, requestOverride, stage, "
                + "domainPrefix, requestTimeEpoch, requestId, identity, domainName, deploymentId, responseOverride, apiId]"),
        TemplateCase("$context.responseOverride.keySet()", "$context.responseOverride.keySet()", expect: "[header]"),
        TemplateCase("$stageVariables in four spellings",
            #"$stageVariables.alias ${stageVariables.alias} $stageVariables['alias'] $stageVariables.get('alias')"#,
            stage: [("alias", "prod")], expect: "prod prod prod prod"),
        TemplateCase("setting a requestOverride header with a hyphenated name",
            #"#set($context.requestOverride.header.X-Amz-Target = "Events.Put")$context.requestOverride.header.X-Amz-Target"#,
            expect: "Events.Put"),
    ]

    static let all: [TemplateCase] = references + directives + whitespace + literalsAndOperators + methods + apiGateway
}

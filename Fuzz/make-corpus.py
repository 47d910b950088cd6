#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora under Fuzz/corpus/ (committed; rerun to refresh).

    python3 Fuzz/make-corpus.py [../shared/json-schema-test-suite]

json:     the lab's documents and every instance of the draft-04 suite;
schema:   each suite case as schema, a zero byte, then the instance;
velocity: the lab's mapping templates and templates exercising every directive and the
          budgets, each with a zero byte and a body;
http:     recorded requests: the lab's curl lines, pipelined, chunked, malformed.
"""
import hashlib, json, os, sys, glob

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
suite = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "json-schema-test-suite")
out = os.path.join(root, "Fuzz", "corpus")

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

# json and schema
for path in sorted(glob.glob(os.path.join(root, "Schemas", "**", "*.json"), recursive=True)):
    with open(path, "rb") as f:
        put("json", f.read())
for path in sorted(glob.glob(os.path.join(suite, "tests", "draft4", "**", "*.json"), recursive=True)):
    with open(path) as f:
        groups = json.load(f)
    for group in groups:
        for case in group["tests"]:
            put("json", compact(case["data"]))
            put("schema", compact(group["schema"]) + "\0" + compact(case["data"]))
put("schema", '{"properties": {"price": {"multipleOf": 0.01}}}\0{"price": 1e-100000000000}')
put("schema", '{"allOf": [{"$ref": "#"}]}\0' + "1")
put("schema", '{"items": {"pattern": "^(a+)+$"}}\0["' + "a" * 300 + '!"]')
put("schema", '{"uniqueItems": true}\0[1e20, 100000000000000000000]')

# velocity
with open(os.path.join(root, "Schemas", "ItemsAPI.json")) as f:
    api = json.load(f)
with open(os.path.join(root, "Schemas", "ItemsAPI.mock.json")) as f:
    mock = json.load(f)
def templates(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("requestTemplates", "responseTemplates", "responseTemplate") and isinstance(value, dict):
                for text in value.values():
                    if isinstance(text, str):
                        yield text
            else:
                yield from templates(value)
    elif isinstance(node, list):
        for value in node:
            yield from templates(value)
bodies = ['{"ID": 3}', '{"items": [{"ID": 1, "name": "Pen", "price": 2.5}, {"ID": 2}]}', "", "not json", '{"n": 5, "a": {"a": [1, 2]}}']
for text in list(templates(api)) + list(templates(mock)):
    for body in bodies:
        put("velocity", text + "\0" + body)
for text in [
    '#set($x = $input.path(\'$.items\'))#foreach($i in $x)$i.name#if($foreach.hasNext),#end#end',
    '{"id": "$input.params(\'id\')", "q": "$util.urlEncode($input.params(\'q\'))", "s": "$stageVariables.alias"}',
    '#macro(twice $v)$v$v#end#twice("a")#define($b)[$x]#end#set($x = 1)$b',
    '#set($m = {"a": 1, "b": [1, 2]})$m.a $m.b.size() $m.keySet() #if($m.a == 1 && !$m.c)yes#elseif($m.b)no#else?#end',
    '$input.json(\'$\') $input.body $util.escapeJavaScript($input.body) $util.base64Encode("x")',
    '#set($s = "a,b;c")$s.split("[,;]").size() $s.replaceAll("(\\\\w)", "<$1>") $s.matches("a.*") $s.toUpperCase()',
    '#foreach($i in [1..$input.path(\'$.n\')])$i#end $context.requestId $context.stage',
    '#set($context.responseOverride.status = 201)#set($context.responseOverride.header.X = "y")',
    '#define($x)$x#end$x',
    '#set($l = [])#set($d = $l.add($l))$l',
    '#set($s = "ab")#foreach($i in [1..30])#set($s = $s.concat($s))#end',
    '#set($n = 7 / 2)$n ${n}x $!missing #set($d = 2 * 1.5)$d #set($i = 1)$i.parseInt("12")',
]:
    for body in bodies:
        put("velocity", text + "\0" + body)

# http
requests = [
    "GET /prod/items/3 HTTP/1.1\r\nHost: localhost\r\nx-api-key: abc\r\n\r\n",
    "GET /prod/items/ HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
    "OPTIONS /prod/items HTTP/1.1\r\nHost: h\r\nOrigin: http://localhost:3000\r\nAccess-Control-Request-Method: GET\r\n\r\n",
    "POST /test/orders?dry=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"item\": {} }",
    "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    "POST /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    "GET / HTTP/1.0\r\n\r\n",
    "HEAD /prod/items HTTP/1.1\r\nHost: h\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: h\r\n folded: x\r\n\r\n",
    "GET /a HTTP/2.0\r\nHost: h\r\n\r\n",
    "BREW /pot HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
    "GET /" + "a" * 9000 + " HTTP/1.1\r\nHost: h\r\n\r\n",
]
for text in requests:
    put("http", text)

# yaml: every input of the YAML test suite, and texts that reach the limits
yaml_suite = os.path.join(root, "..", "shared", "yaml-test-suite")
for path in sorted(glob.glob(os.path.join(yaml_suite, "*", "in.yaml")) + glob.glob(os.path.join(yaml_suite, "*", "*", "in.yaml"))):
    with open(path, "rb") as f:
        put("yaml", f.read())
laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
for level in "bcdefghij":
    previous = chr(ord(level) - 1)
    laughs += "%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n" % ((level, level) + (previous,) * 10)
put("yaml", laughs)
put("yaml", "[" * 200 + "]" * 200)
put("yaml", "".join("  " * i + "- \n" for i in range(200)))
put("yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: !Sub '${AWS::StackName}-code'\n      Role: !GetAtt Role.Arn\n      Events: !If [IsProd, !Ref Events, !Ref AWS::NoValue]\n")
put("yaml", "openapi: 3.0.1\ninfo: {title: Notes, version: '1'}\npaths:\n  /notes:\n    post:\n      responses:\n        '200': {description: ok}\n      x-amazon-apigateway-integration:\n        type: mock\n        requestTemplates:\n          application/json: |\n            {\"statusCode\": 200}\n")

import HTTPCore
import HTTPServer

enum HTTPFuzzing {
    /// What a parser made of a byte stream: the requests (method, target, headers, body) and
    /// the refusal that ended it, if any.
    struct Outcome: Equatable {
        var requests: [String] = []
        var failure: Int? = nil
    }

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        var limits = ServerLimits()
        limits.maxBodyBytes = 64 * 1024
        let whole = parse(bytes, pieces: [bytes.count], limits: limits)
        // The same stream split one byte at a time (short inputs), and at sizes taken from the input.
        if bytes.count <= 2048 {
            let single = parse(bytes, pieces: Array(repeating: 1, count: bytes.count), limits: limits)
            invariant(whole == single, "byte-at-a-time parsing differs: \(whole) vs \(single)")
        }
        var sizes: [Int] = []
        var total = 0
        var seed = bytes.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        while total < bytes.count {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let size = Int(seed >> 59) + 1
            sizes.append(size)
            total += size
        }
        let pieces = parse(bytes, pieces: sizes, limits: limits)
        invariant(whole == pieces, "split parsing differs: \(whole) vs \(pieces)")
        for request in whole.requests { invariant(!request.isEmpty, "an empty request") }
        if let status = whole.failure { invariant((400...599).contains(status), "refusal with status \(status)") }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, pieces: [Int], limits: ServerLimits) -> Outcome {
        var parser = RequestParser(limits: limits)
        var outcome = Outcome()
        var offset = 0
        for size in pieces where offset < bytes.count {
            let end = min(bytes.count, offset + size)
            parser.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[offset..<end]))
            offset = end
            while true {
                switch parser.next() {
                case .needMoreData: break
                case .continueExpected: continue
                case .request(let parsed):
                    let request = parsed.request
                    var text = request.method + " " + request.target + (parsed.isHTTP11 ? " 1.1" : " 1.0") + (parsed.keepAlive ? " keep" : " close")
                    for field in request.headers { text += "\n" + field.name + ": " + field.value }
                    text += "\n\n" + String(decoding: request.body, as: UTF8.self)
                    outcome.requests.append(text)
                    continue
                case .failure(let error):
                    outcome.failure = error.status
                    return outcome
                }
                break
            }
        }
        return outcome
    }
}

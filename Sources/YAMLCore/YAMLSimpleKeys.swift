/// Where a simple key may start, one candidate per flow level (libyaml's "possible simple
/// keys"): a node followed on its line by `:` turns out to be a key, and the scanner inserts a
/// `KEY` token before it. A candidate at the block's indentation is required: it must get its
/// `:` on its line.
struct SimpleKeyCandidates {
    struct Candidate {
        var tokenNumber: Int
        var required: Bool
        var mark: YAMLMark
    }

    /// Index 0 is the block context, 1… the flow collections open around the position.
    var levels: [Candidate?] = [nil]

    /// Whether the token numbered `tokenNumber` may still become a key (so it must wait).
    func isPending(_ tokenNumber: Int) -> Bool {
        levels.contains { $0?.tokenNumber == tokenNumber }
    }

    /// Forgets the candidates that can no longer be keys: on an earlier line, or more than
    /// 1024 bytes back (YAML's limit on a simple key).
    mutating func dropStale(at mark: YAMLMark) {
        for level in levels.indices {
            guard let key = levels[level] else { continue }
            if key.mark.line != mark.line || mark.index - key.mark.index > 1024 {
                if !key.required { levels[level] = nil }
            }
        }
    }

    /// A required key (a node at the block's indentation) that did not get its `:` on its line.
    func checkRequired(at mark: YAMLMark) throws(YAMLSyntaxError) {
        for key in levels {
            guard let key, key.required else { continue }
            if key.mark.line != mark.line || mark.index - key.mark.index > 1024 {
                throw YAMLSyntaxError(
                    .syntax, line: key.mark.line, column: key.mark.column,
                    "expected ':' after the key that starts here (a mapping key and its ':' stay on one line)")
            }
        }
    }

    /// Makes the token numbered `tokenNumber`, starting at `mark`, the candidate at `level`.
    mutating func save(level: Int, tokenNumber: Int, required: Bool, at mark: YAMLMark) throws(YAMLSyntaxError) {
        try remove(level: level)
        levels[level] = Candidate(tokenNumber: tokenNumber, required: required, mark: mark)
    }

    /// Drops the candidate at `level`; a required one that got no `:` is an error.
    mutating func remove(level: Int) throws(YAMLSyntaxError) {
        if let key = levels[level], key.required {
            throw YAMLSyntaxError(.syntax, line: key.mark.line, column: key.mark.column, "expected ':' after the key that starts here")
        }
        levels[level] = nil
    }
}

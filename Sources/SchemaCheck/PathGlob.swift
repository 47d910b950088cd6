#if canImport(Glibc)
import Glibc
#endif

/// A shell-style path pattern: `*` (any characters but `/`), `**` (any number of whole
/// directories, as a path segment of its own), `?` (one character but `/`), `[abc]`, `[a-z]`,
/// `[!abc]` (one character of, or not of, a set). Matched against whole `/`-separated paths.
public struct PathGlob: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let segments: [[Character]]

    /// A glob; `./` in front is ignored.
    public init(_ pattern: String) {
        self.pattern = pattern
        var text = pattern
        while text.hasPrefix("./") { text.removeFirst(2) }
        segments = text.split(separator: "/", omittingEmptySubsequences: true).map { Array($0) }
    }

    public var description: String { pattern }

    /// Whether `text` holds a glob character (`*`, `?`, `[`).
    public static func isPattern(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }

    /// The directory to start a walk from: the leading segments without glob characters.
    public var root: String {
        var parts: [String] = []
        for segment in segments.dropLast() {
            let text = String(segment)
            if PathGlob.isPattern(text) { break }
            parts.append(text)
        }
        let joined = parts.joined(separator: "/")
        return pattern.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// How many directories below `root` a matching file can be: nil when the pattern has a
    /// `**` (any depth).
    public var directoryDepth: Int? {
        guard !segments.contains(["*", "*"]) else { return nil }
        return max(0, segments.count - 1 - rootSegmentCount)
    }

    /// Whether a segment after the root starts with `.` (`'**/.config/*.json'`, `'.*.json'`):
    /// then a walk looks at hidden files and directories too, as a shell would for that pattern.
    public var namesHiddenEntries: Bool {
        return segments.dropFirst(rootSegmentCount).contains { $0.first == "." }
    }

    /// How many of the pattern's segments `root` holds.
    private var rootSegmentCount: Int {
        root == "." ? 0 : root.split(separator: "/", omittingEmptySubsequences: true).count
    }

    /// Whether `path` matches the whole pattern.
    public func matches(_ path: String) -> Bool {
        var text = path
        while text.hasPrefix("./") { text.removeFirst(2) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: true).map { Array($0) }
        return PathGlob.match(segments[...], parts[...])
    }

    /// Whole segments against whole segments; `**` matches any number of them. Dynamic
    /// programming over (pattern position, path position): time is the product of the two
    /// lengths whatever the pattern, never exponential in its `**`s.
    private static func match(_ pattern: ArraySlice<[Character]>, _ path: ArraySlice<[Character]>) -> Bool {
        let patterns = Array(pattern), parts = Array(path)
        // reachable[j]: the pattern's first i segments can match the path's first j.
        var reachable = [Bool](repeating: false, count: parts.count + 1)
        reachable[0] = true
        for segment in patterns {
            var next = [Bool](repeating: false, count: parts.count + 1)
            if segment == ["*", "*"] {
                var any = false
                for j in 0...parts.count {
                    any = any || reachable[j]
                    next[j] = any
                }
            } else {
                for j in 0..<parts.count where reachable[j] && matchSegment(segment[...], parts[j][...]) { next[j + 1] = true }
            }
            reachable = next
        }
        return reachable[parts.count]
    }

    /// One segment, iteratively (`*` backtracks to its last position only: linear enough).
    private static func matchSegment(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var star: (pattern: Int, text: Int)? = nil
        while t < text.endIndex {
            if p < pattern.endIndex {
                switch pattern[p] {
                case "*":
                    star = (p, t)
                    p += 1
                    continue
                case "?":
                    p += 1
                    t += 1
                    continue
                case "[":
                    if let (matched, next) = matchClass(pattern, at: p, text[t]) {
                        if matched {
                            p = next
                            t += 1
                            continue
                        }
                    } else if text[t] == "[" {
                        p += 1
                        t += 1
                        continue
                    }
                default:
                    if pattern[p] == text[t] {
                        p += 1
                        t += 1
                        continue
                    }
                }
            }
            guard let last = star else { return false }
            p = last.pattern + 1
            t = last.text + 1
            star = (last.pattern, last.text + 1)
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// `[…]` at `start`: whether `character` is in it and the index after it; nil when the
    /// bracket is not closed (then it is a literal `[`).
    private static func matchClass(_ pattern: ArraySlice<Character>, at start: Int, _ character: Character) -> (Bool, Int)? {
        var index = start + 1
        var negated = false
        if index < pattern.endIndex, pattern[index] == "!" || pattern[index] == "^" {
            negated = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.endIndex {
            let current = pattern[index]
            if current == "]" && !first { return (matched != negated, index + 1) }
            first = false
            if index + 2 < pattern.endIndex, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                if current <= character && character <= pattern[index + 2] { matched = true }
                index += 3
            } else {
                if current == character { matched = true }
                index += 1
            }
        }
        return nil
    }
}

import TestSupport
import Testing

@testable import ECMARegex

@Suite("ECMARegex")
struct ECMARegexTests {
    struct Case: CustomStringConvertible, Sendable {
        let pattern: String
        let input: String
        let matches: Bool
        var description: String { "/\(pattern)/ on \(input.debugDescription)" }
        init(_ pattern: String, _ input: String, _ matches: Bool) {
            self.pattern = pattern
            self.input = input
            self.matches = matches
        }
    }

    static let cases: [Case] = [
        // Searches are unanchored; ^ and $ anchor at the ends of the input only.
        Case("b", "abc", true), Case("^b", "abc", false), Case("^abc$", "abc\n", false), Case("c$", "abc", true),
        // ECMA-262 class escapes: \d and \w are ASCII, \s is Unicode.
        Case("^\\d+$", "0123", true), Case("^\\d$", "\u{0664}", false), Case("^\\D$", "\u{0664}", true),
        Case("^\\w$", "é", false), Case("^\\W$", "é", true), Case("^\\s$", "\u{2003}", true), Case("^\\s$", "\u{FEFF}", true),
        Case("^\\S$", "\u{2003}", false),
        // Control and hex escapes.
        Case("^\\cC$", "\u{3}", true), Case("^\\cc$", "\u{3}", true), Case("^\\t$", "\t", true), Case("^\\x41\\u0042\\u{43}$", "ABC", true),
        // Unicode properties.
        Case("\\p{Letter}cole", "école", true), Case("^\\p{digit}+$", "42\u{0664}", true), Case("^\\p{Lu}", "a", false),
        Case("^\\P{L}$", "1", true), Case("^\\p{General_Category=Decimal_Number}$", "7", true),
        // Code points, not UTF-16 units or grapheme clusters.
        Case("^🐲*$", "🐲🐲", true), Case("^.$", "🐲", true), Case("^..$", "🐲", false), Case("^.$", "e\u{301}", false),
        Case("^[🐲-🐳]$", "🐳", true),
        // Quantifiers, greedy and lazy, counted; alternation; groups.
        Case("^a{2,3}$", "aaa", true), Case("^a{2,3}$", "aaaa", false), Case("^a{2}$", "aa", true), Case("^a{2,}$", "aaaaa", true),
        Case("^(ab|cd)+$", "abcdab", true), Case("^(?:a|b)*?c$", "ababc", true), Case("^a*a$", "aaaa", true),
        Case("^(a+)+b$", "aaaaab", true), Case("x{", "x{", true), Case("^a|b$", "xb", true),
        // Classes.
        Case("^[^a-c]$", "d", true), Case("^[a\\-z]$", "-", true), Case("^[\\d.]+$", "3.14", true), Case("^[\\b]$", "\u{8}", true),
        Case("^[\\w-]+$", "a-b_c", true), Case("^[\\D]$", "x", true), Case("^[^\\s]$", " ", false),
        // Dot excludes line terminators.
        Case("^.$", "\n", false), Case("^.$", "\u{2028}", false),
        // Lookahead, word boundaries, backreferences.
        Case("^(?=.*\\d)\\w+$", "abc1", true), Case("^(?!.*\\d)\\w+$", "abc1", false), Case("\\bfoo\\b", "a foo b", true),
        Case("\\Bfoo", "afoo", true), Case("^(a)\\1$", "aa", true), Case("^(?<x>b)\\k<x>$", "bb", true), Case("^(a)\\1$", "ab", false),
        // Empty loops terminate.
        Case("^(a*)*$", "aaab", false), Case("^(a?)*b$", "aab", true),
    ]

    @Test("ECMA-262 semantics", arguments: cases)
    func semantics(_ sample: Case) throws {
        let expression = try ECMARegex(sample.pattern)
        #expect(expression.matches(sample.input) == sample.matches)
    }

    @Test("the backtracking-free matcher is used only where it is exact")
    func linear() throws {
        #expect(try ECMARegex("^[A-Za-z][A-Za-z0-9 ]*$").program.linear != nil)
        #expect(try ECMARegex("^a*a$").program.linear == nil)
        #expect(try ECMARegex("^a*a$").matches("aaa"))
        #expect(try ECMARegex("^[A-Za-z][A-Za-z0-9 ]*$").matches("Pen 1"))
        #expect(try !ECMARegex("^[A-Za-z][A-Za-z0-9 ]*$").matches("1 Pen"))
    }

    @Test("invalid patterns are refused with a reason", arguments: ["(", "a)", "[a", "*a", "a{3,2}", "\\", "(?<=a)b", "\\p{Nope}", "a**", "\\2(a)"])
    func invalid(_ pattern: String) {
        #expect(throws: RegexSyntaxError.self) { try ECMARegex(pattern) }
    }

    @Test("catastrophic backtracking stops at the step budget when only backtracking can run the pattern")
    func budget() throws {
        // Without backreferences the answer is found anyway (see catastrophicPatterns).
        #expect(try ECMARegex("^(a|a)*b$", stepLimit: 100_000).search(String(repeating: "a", count: 40)) == .noMatch)
        let expression = try ECMARegex("^(a|a)*\\1b$", stepLimit: 100_000)
        #expect(expression.search(String(repeating: "a", count: 40)) == .limitExceeded)
    }

    @Test("random patterns: compiled or refused, never a crash; a compiled one answers the same twice and its first match lies in the text")
    func fuzz() throws {
        let seed = TestSeed.value()
        let alphabet = Array("ab()[]{}|*+?^$\\.-,0123dDwWsSpP{L}<>=!:")
        var generator = SeededGenerator(seed: seed)
        let subject = "ab(a)12 {L}"
        let scalars = subject.unicodeScalars.map(\.value)
        for _ in 0..<3000 {
            let pattern = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            guard let expression = try? ECMARegex(pattern, stepLimit: 10_000) else { continue }
            let first = expression.search(subject)
            #expect(expression.search(subject) == first, "seed \(seed) (TEST_SEED=\(seed) replays it): \(pattern)")
            var budget = RegexBudget(steps: 10_000)
            if let match = try? expression.firstMatch(in: scalars, from: 0, budget: &budget) {
                #expect(match.range.lowerBound >= 0 && match.range.upperBound <= scalars.count, "seed \(seed): \(pattern) matched \(match.range)")
                #expect(first != .noMatch, "seed \(seed): \(pattern) found a match that search denies")
            }
        }
    }
}

@Suite("ECMARegex limits")
struct ECMARegexLimitTests {
    @Test("deeply nested groups are refused, not a crash")
    func deep() {
        #expect(throws: RegexSyntaxError.self) {
            try ECMARegex(String(repeating: "(", count: 100_000) + "a" + String(repeating: ")", count: 100_000))
        }
        #expect(throws: Never.self) { try ECMARegex(String(repeating: "(", count: 50) + "a" + String(repeating: ")", count: 50)) }
    }

    @Test("match positions and groups for replace and split")
    func positions() throws {
        let expression = try ECMARegex("(\\d+)-(x)?")
        let scalars = "a12-b3-x".unicodeScalars.map(\.value)
        var budget = RegexBudget(steps: 100_000)
        let matches = try expression.allMatches(in: scalars, budget: &budget)
        #expect(matches.map(\.range) == [1..<4, 5..<8])
        #expect(matches[0].groups == [1..<3, nil])
        #expect(matches[1].groups == [5..<6, 7..<8])
        #expect(try ECMARegex(wholeInput: "b+").search("bbb") == .match)
        #expect(try ECMARegex(wholeInput: "b+").search("abbb") == .noMatch)
        #expect(try ECMARegex(wholeInput: "a|b").search("ab") == .noMatch)
        #expect(throws: RegexSyntaxError.self) { try ECMARegex(wholeInput: "a)|(b") }
    }

    @Test("nested quantifiers answer correctly and in linear time on inputs that defeat backtracking")
    func catastrophicPatterns() throws {
        let long = String(repeating: "a", count: 100_000)
        let cases: [(String, String, ECMARegex.Outcome)] = [
            ("^(a+)+$", long + "!", .noMatch), ("^(a+)+$", long, .match), ("(a|aa)+b", long, .noMatch),
            ("^(a*)*b$", long, .noMatch), ("^(?:a|a)*$", long + "b", .noMatch), ("(x+x+)+y", String(repeating: "x", count: 5_000), .noMatch),
            ("^(\\w+\\s?)*$", String(repeating: "word ", count: 5_000) + "!", .noMatch),
        ]
        for (pattern, text, expected) in cases {
            // A budget of 64 steps per code point: enough for the all-threads machine (a few
            // steps per instruction of the pattern), far too little for backtracking.
            var budget = RegexBudget(steps: 64 * text.unicodeScalars.count + 10_000)
            let outcome = try ECMARegex(pattern).search(text, budget: &budget)
            #expect(outcome == expected, "/\(pattern)/: \(outcome), \(budget.limit - budget.remaining) steps")
        }
    }

    @Test("one budget shared by many searches runs out, and says so instead of answering no")
    func sharedBudget() throws {
        // A backreference keeps the program on the backtracking machine.
        let expression = try ECMARegex("^(a+)+\\1$")
        let text = String(repeating: "a", count: 40) + "!"
        var budget = RegexBudget(steps: 1_000_000)
        var outcomes: [ECMARegex.Outcome] = []
        for _ in 0..<100 { outcomes.append(expression.search(text, budget: &budget)) }
        #expect(outcomes.contains(.limitExceeded))
        #expect(!outcomes.contains(.match))
        #expect(budget.isExhausted)
        // Matching with captures throws rather than reporting no match.
        var small = RegexBudget(steps: 1_000)
        #expect(throws: RegexLimitExceeded.self) {
            _ = try expression.allMatches(in: text.unicodeScalars.map(\.value), budget: &small)
        }
    }

    @Test("the linear machines agree with backtracking on random patterns and inputs")
    func pikeAgreesWithBacktracking() throws {
        let seed = TestSeed.value()
        print("ECMARegex agreement test seed: \(seed) (TEST_SEED=\(seed) replays it)")
        var generator = SeededGenerator(seed: seed)
        let atoms = ["a", "b", "[ab]", ".", "\\w", "\\b", "\\B", "(?:a|b)", "(a|)", "()", "^", "$", "[^a]", "\\d"]
        let quantifiers = ["", "", "*", "+", "?", "{0,2}", "{1,3}", "*?", "+?"]
        func pattern(_ depth: Int) -> String {
            var result = ""
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                var atom = atoms[Int.random(in: 0..<atoms.count, using: &generator)]
                if depth < 2 && Int.random(in: 0..<4, using: &generator) == 0 {
                    atom = "(" + pattern(depth + 1) + (Bool.random(using: &generator) ? "|" + pattern(depth + 1) : "") + ")"
                }
                result += atom + quantifiers[Int.random(in: 0..<quantifiers.count, using: &generator)]
            }
            return result
        }
        var disagreements: [String] = []
        for _ in 0..<3_000 {
            let source = pattern(0)
            guard let expression = try? ECMARegex(source), !expression.program.needsBacktracking else { continue }
            for _ in 0..<4 {
                let text = String((0..<Int.random(in: 0...8, using: &generator)).map { _ in "ab1 ".randomElement(using: &generator)! })
                let scalars = text.unicodeScalars.map(\.value)
                let (backtracking, pike, bitState): (ECMARegex.Outcome, Bool?, Bool?) = scalars.withUnsafeBufferPointer { input in
                    var machine = RegexMachine(program: expression.program, input: input, stepLimit: 10_000_000)
                    var budget = RegexBudget(steps: 10_000_000), second = RegexBudget(steps: 10_000_000)
                    return (
                        machine.search(), PikeMachine(program: expression.program, input: input).search(budget: &budget),
                        BitStateMachine(program: expression.program, input: input).search(budget: &second)
                    )
                }
                if backtracking == .limitExceeded || pike == nil || bitState == nil { continue }
                if (backtracking == .match) != pike || pike != bitState {
                    disagreements.append("/\(source)/ on \(text.debugDescription): \(backtracking), \(String(describing: pike)), \(String(describing: bitState))")
                }
            }
        }
        #expect(disagreements.isEmpty, "seed \(seed): \(disagreements.prefix(5))")
    }
}


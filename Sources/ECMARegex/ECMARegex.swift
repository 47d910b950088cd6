/// An ECMA-262 regular expression, matched on Unicode code points as JSON Schema requires:
/// `\d` and `\w` are ASCII-only, `\s` is Unicode white space, `$` matches only at the very
/// end, `.` excludes line terminators, `\p{…}` selects Unicode properties, and a non-BMP
/// character is one unit (never two surrogates).
///
/// Compiled once into a small program. A yes/no search of a pattern without backreferences
/// or lookaheads costs at most one step per (instruction, position) pair, so `^(a+)+$`
/// answers correctly on any input; patterns with them run on a backtracking machine. Every search spends steps from a budget: one made per call
/// (`stepLimit`), or one the caller shares across many searches (`RegexBudget`).
public struct ECMARegex: Sendable, CustomStringConvertible {
    /// The outcome of a search.
    public enum Outcome: Sendable, Equatable {
        case match
        case noMatch
        /// The step budget ran out; the answer is unknown.
        case limitExceeded
    }

    /// The source pattern.
    public let pattern: String
    /// The compiled program, shared by copies (copying a regex costs one reference count).
    let compiled: CompiledRegex
    var program: RegexProgram { compiled.program }
    /// Steps allowed for one search made without a shared budget.
    public var stepLimit: Int
    /// Instructions in the compiled program (repetitions expanded): what compiling cost.
    public var programSize: Int { compiled.program.instructions.count }

    /// Compiles `pattern`.
    public init(_ pattern: String, stepLimit: Int = 5_000_000) throws(RegexSyntaxError) {
        var parser = RegexParser(pattern)
        let tree = try parser.parse()
        self.pattern = pattern
        self.compiled = CompiledRegex(try RegexCompiler.compile(tree, parser: parser))
        self.stepLimit = stepLimit
    }

    /// Compiles `pattern` to match only the whole input, as Java's `String.matches` does:
    /// `^(?:pattern)$`, where the pattern is first checked on its own (so `a)|(b` is refused
    /// rather than turned into something else).
    public init(wholeInput pattern: String, stepLimit: Int = 5_000_000) throws(RegexSyntaxError) {
        var parser = RegexParser(pattern)
        let tree = try parser.parse()
        self.pattern = pattern
        self.compiled = CompiledRegex(
            try RegexCompiler.compile(.sequence([.lineStart, .group(tree, capture: nil), .lineEnd]), parser: parser))
        self.stepLimit = stepLimit
    }

    /// The pattern, as written.
    public var description: String { pattern }

    /// Whether the pattern matches anywhere in `text` (a search, like `RegExp.prototype.test`),
    /// within `stepLimit` steps.
    public func search(_ text: String) -> Outcome {
        var budget = RegexBudget(steps: stepLimit)
        return search(text, budget: &budget)
    }

    /// Whether the pattern matches anywhere in `text`, spending steps from `budget`
    /// (`.limitExceeded` once it is empty: the answer is then unknown).
    public func search(_ text: String, budget: inout RegexBudget) -> Outcome {
        if let linear = compiled.linear {
            guard budget.take(text.utf8.count + 1) else { return .limitExceeded }
            return linear.search(text) ? .match : .noMatch
        }
        let capacity = text.utf8.count
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(capacity, 1)) { buffer in
            var count = 0
            for scalar in text.unicodeScalars {
                buffer[count] = scalar.value
                count += 1
            }
            let input = UnsafeBufferPointer(rebasing: buffer[0..<count])
            return ECMARegex.search(program, input, budget: &budget)
        }
    }

    /// Programs with backreferences or lookaheads run on the backtracking machine; all others
    /// on a machine whose cost is linear in the input (remembering tried states, or, for
    /// inputs too long for that memory, simulating every thread at once).
    static func search(_ program: RegexProgram, _ input: UnsafeBufferPointer<UInt32>, budget: inout RegexBudget) -> Outcome {
        let answer: Bool?
        if program.needsBacktracking {
            var machine = RegexMachine(program: program, input: input, stepLimit: budget.remaining)
            let outcome = machine.search()
            _ = budget.take(min(machine.steps, budget.remaining))
            return outcome
        } else if BitStateMachine.fits(program, count: input.count) {
            answer = BitStateMachine(program: program, input: input).search(budget: &budget)
        } else {
            answer = PikeMachine(program: program, input: input).search(budget: &budget)
        }
        switch answer {
        case .some(true): return .match
        case .some(false): return .noMatch
        case .none: return .limitExceeded
        }
    }

    /// `search(text) == .match`; a search over the step limit counts as no match (use
    /// `search` where that difference matters).
    public func matches(_ text: String) -> Bool { search(text) == .match }
}

/// A compiled program behind one reference, so that regexes are cheap to copy.
final class CompiledRegex: Sendable {
    let program: RegexProgram
    /// `program.linear`, read without copying the program.
    let linear: LinearMatcher?

    init(_ program: RegexProgram) {
        self.program = program
        self.linear = program.linear
    }
}

/// Instructions of the backtracking machine.
enum RegexInstruction: Sendable {
    case scalar(UInt32)
    case any
    case set(Int)
    case split(Int, Int)  // try the first, then the second
    case jump(Int)
    case save(Int)  // slot = position
    case lineStart
    case lineEnd
    case wordBoundary(negated: Bool)
    case lookahead(end: Int, negated: Bool)
    case lookEnd
    case backreference(Int)
    case progress(Int)  // fail unless position moved since slot was saved
    case match
}

struct RegexProgram: Sendable {
    var instructions: [RegexInstruction] = []
    var sets: [CompiledSet] = []
    var slotCount = 0
    var captureCount = 0
    var anchoredAtStart = false
    var linear: LinearMatcher? = nil
    /// Backreferences or lookaheads: only the backtracking machine runs this program.
    var needsBacktracking = false
}

enum RegexCompiler {
    static let instructionLimit = 100_000

    static func compile(_ tree: RegexNode, parser: RegexParser) throws(RegexSyntaxError) -> RegexProgram {
        var program = RegexProgram()
        var markCount = 0
        let captureSlots = 2 * (parser.captureCount + 1)
        var failure: RegexSyntaxError? = nil

        func emit(_ instruction: RegexInstruction) -> Int {
            program.instructions.append(instruction)
            return program.instructions.count - 1
        }

        func compile(_ node: RegexNode) {
            if failure != nil { return }
            if program.instructions.count > instructionLimit {
                failure = RegexSyntaxError(pattern: parser.pattern, offset: 0, reason: "pattern too large once repetitions are expanded")
                return
            }
            switch node {
            case .empty: break
            case .scalar(let value): _ = emit(.scalar(value))
            case .any: _ = emit(.any)
            case .set(let set):
                program.sets.append(CompiledSet(set))
                _ = emit(.set(program.sets.count - 1))
            case .lineStart: _ = emit(.lineStart)
            case .lineEnd: _ = emit(.lineEnd)
            case .wordBoundary(let negated): _ = emit(.wordBoundary(negated: negated))
            case .group(let body, let capture):
                if let capture { _ = emit(.save(2 * capture)) }
                compile(body)
                if let capture { _ = emit(.save(2 * capture + 1)) }
            case .lookahead(let body, let negated):
                let start = emit(.lookahead(end: 0, negated: negated))
                compile(body)
                _ = emit(.lookEnd)
                program.instructions[start] = .lookahead(end: program.instructions.count, negated: negated)
            case .backreference(let number):
                var group = number
                if number < 0 {
                    let name = parser.pendingNamedReferences[-number - 1].0
                    group = parser.namedGroups[name] ?? 0
                }
                if group > parser.captureCount {
                    // ECMA-262 Annex B: a reference past the group count is an octal escape;
                    // we refuse it rather than guess.
                    failure = RegexSyntaxError(pattern: parser.pattern, offset: 0, reason: "backreference to group \(group), which does not exist")
                    return
                }
                _ = emit(.backreference(group))
            case .sequence(let nodes):
                for item in nodes { compile(item) }
            case .alternation(let branches):
                var jumps: [Int] = []
                for (position, branch) in branches.enumerated() {
                    if position < branches.count - 1 {
                        let split = emit(.split(0, 0))
                        compile(branch)
                        jumps.append(emit(.jump(0)))
                        program.instructions[split] = .split(split + 1, program.instructions.count)
                    } else {
                        compile(branch)
                    }
                }
                for jump in jumps { program.instructions[jump] = .jump(program.instructions.count) }
            case .repetition(let body, let minimum, let maximum, let greedy):
                for _ in 0..<minimum { compile(body) }
                if let maximum {
                    // (max - min) optional copies, each skipping to the end when declined.
                    var splits: [Int] = []
                    for _ in minimum..<max(minimum, maximum) {
                        splits.append(emit(.split(0, 0)))
                        compile(body)
                    }
                    let end = program.instructions.count
                    for split in splits { program.instructions[split] = greedy ? .split(split + 1, end) : .split(end, split + 1) }
                } else {
                    let mayBeEmpty = body.canBeEmpty
                    let slot = captureSlots + markCount
                    if mayBeEmpty { markCount += 1 }
                    let loop = emit(.split(0, 0))
                    if mayBeEmpty { _ = emit(.save(slot)) }
                    compile(body)
                    if mayBeEmpty { _ = emit(.progress(slot)) }
                    _ = emit(.jump(loop))
                    let end = program.instructions.count
                    program.instructions[loop] = greedy ? .split(loop + 1, end) : .split(end, loop + 1)
                }
            }
        }

        compile(tree)
        if let failure { throw failure }
        _ = emit(.match)
        program.slotCount = captureSlots + markCount
        program.captureCount = parser.captureCount
        program.anchoredAtStart = startsAnchored(tree)
        program.linear = LinearMatcher(tree)
        program.needsBacktracking = program.instructions.contains {
            switch $0 {
            case .lookahead, .backreference: return true
            default: return false
            }
        }
        return program
    }

    static func startsAnchored(_ node: RegexNode) -> Bool {
        switch node {
        case .lineStart: return true
        case .sequence(let nodes): return nodes.first.map(startsAnchored) ?? false
        case .group(let body, _): return startsAnchored(body)
        case .alternation(let branches): return branches.allSatisfy(startsAnchored)
        default: return false
        }
    }
}

/// Runs a program over code points with an explicit backtracking stack.
struct RegexMachine {
    let program: RegexProgram
    let input: UnsafeBufferPointer<UInt32>
    let stepLimit: Int
    var steps = 0
    var slots: [Int]

    enum Frame {
        case resume(pc: Int, position: Int)
        case restore(slot: Int, value: Int)
    }

    init(program: RegexProgram, input: UnsafeBufferPointer<UInt32>, stepLimit: Int) {
        self.program = program
        self.input = input
        self.stepLimit = stepLimit
        self.slots = [Int](repeating: -1, count: program.slotCount)
    }

    mutating func search() -> ECMARegex.Outcome {
        let lastStart = program.anchoredAtStart ? 0 : input.count
        var start = 0
        while start <= lastStart {
            switch run(from: 0, at: start) {
            case .some(.some): return .match
            case .none: return .limitExceeded
            case .some(.none): break
            }
            start += 1
        }
        return .noMatch
    }

    static func isWord(_ scalar: UInt32) -> Bool {
        (scalar >= 0x30 && scalar <= 0x39) || (scalar >= 0x41 && scalar <= 0x5A) || scalar == 0x5F
            || (scalar >= 0x61 && scalar <= 0x7A)
    }

    /// The end position of a match from `pc` at `position`; `.some(nil)` for no match, `nil`
    /// when the step budget ran out.
    mutating func run(from startPC: Int, at startPosition: Int) -> Int?? {
        var stack: [Frame] = []
        var pc = startPC
        var position = startPosition
        let instructions = program.instructions
        while true {
            steps += 1
            if steps > stepLimit { return nil }
            var failed = false
            switch instructions[pc] {
            case .scalar(let value):
                if position < input.count && input[position] == value { pc += 1; position += 1 } else { failed = true }
            case .any:
                if position < input.count && !RegexMachine.isLineTerminator(input[position]) { pc += 1; position += 1 } else { failed = true }
            case .set(let index):
                if position < input.count && program.sets[index].contains(input[position]) { pc += 1; position += 1 } else { failed = true }
            case .split(let first, let second):
                stack.append(.resume(pc: second, position: position))
                pc = first
            case .jump(let target):
                pc = target
            case .save(let slot):
                stack.append(.restore(slot: slot, value: slots[slot]))
                slots[slot] = position
                pc += 1
            case .lineStart:
                if position == 0 { pc += 1 } else { failed = true }
            case .lineEnd:
                if position == input.count { pc += 1 } else { failed = true }
            case .wordBoundary(let negated):
                let before = position > 0 && RegexMachine.isWord(input[position - 1])
                let after = position < input.count && RegexMachine.isWord(input[position])
                if (before != after) != negated { pc += 1 } else { failed = true }
            case .lookahead(let end, let negated):
                guard let inner = run(from: pc + 1, at: position) else { return nil }
                if (inner != nil) != negated { pc = end } else { failed = true }
            case .lookEnd, .match:
                return .some(position)
            case .backreference(let group):
                let begin = slots[2 * group], finish = slots[2 * group + 1]
                if begin < 0 || finish < 0 {
                    pc += 1  // an unset group matches the empty string
                } else {
                    let length = finish - begin
                    if position + length <= input.count
                        && (0..<length).allSatisfy({ input[begin + $0] == input[position + $0] })
                    {
                        position += length
                        pc += 1
                    } else {
                        failed = true
                    }
                }
            case .progress(let slot):
                if slots[slot] != position { pc += 1 } else { failed = true }
            }
            if failed {
                // Backtrack: undo slot writes until a resume point.
                var resumed = false
                while let frame = stack.popLast() {
                    switch frame {
                    case .restore(let slot, let value): slots[slot] = value
                    case .resume(let nextPC, let nextPosition):
                        pc = nextPC; position = nextPosition; resumed = true
                    }
                    if resumed { break }
                }
                if !resumed { return .some(nil) }
            }
        }
    }

    @inline(__always)
    static func isLineTerminator(_ scalar: UInt32) -> Bool {
        scalar == 0x0A || scalar == 0x0D || scalar == 0x2028 || scalar == 0x2029
    }
}

/// Decides whether a program matches anywhere in the input by depth-first search that
/// remembers every (instruction, position) state it has tried: a state that failed once
/// fails again (nothing else, no capture, decides the future of a yes/no search), so each
/// is explored at most once and a search costs at most `(input + 1) × instructions` steps,
/// whatever the pattern. Follows one path at a time like backtracking, so it is as fast on
/// ordinary patterns, and linear on `^(a+)+$`. The memory is one bit per state; for inputs
/// too long for that, `PikeMachine` runs instead.
///
/// As in `PikeMachine`, `save` and the empty-iteration check (`progress`) are no-ops: they
/// change captures, never whether a match exists. Programs with backreferences or
/// lookaheads never come here.
struct BitStateMachine {
    let program: RegexProgram
    let input: UnsafeBufferPointer<UInt32>

    /// The most states (bits) a search may remember: 32 Mbit, 4 MB.
    static let maximumStates = 1 << 25

    /// Whether a search over `count` code points fits `maximumStates`.
    static func fits(_ program: RegexProgram, count: Int) -> Bool {
        let (states, overflow) = program.instructions.count.multipliedReportingOverflow(by: count + 1)
        return !overflow && states <= maximumStates
    }

    /// Whether the program matches; nil when `budget` ran out first.
    func search(budget: inout RegexBudget) -> Bool? {
        let instructions = program.instructions
        let width = input.count + 1
        let words = (instructions.count * width + 63) / 64
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(words, 1)) { visited -> Bool? in
            visited.initialize(repeating: 0)
            var stack: [(pc: Int32, position: Int32)] = []
            var steps = 0
            let lastStart = program.anchoredAtStart ? 0 : input.count
            for start in 0...lastStart {
                stack.append((0, Int32(start)))
                while let (pc32, position32) = stack.popLast() {
                    let pc = Int(pc32), position = Int(position32)
                    let state = pc * width + position
                    let mask: UInt64 = 1 << UInt64(state & 63)
                    if visited[state >> 6] & mask != 0 { continue }
                    visited[state >> 6] |= mask
                    steps += 1
                    if steps & 4095 == 0 {
                        if !budget.take(steps) { return nil }
                        steps = 0
                    }
                    switch instructions[pc] {
                    case .scalar(let value):
                        if position < input.count && input[position] == value { stack.append((pc32 + 1, position32 + 1)) }
                    case .any:
                        if position < input.count && !RegexMachine.isLineTerminator(input[position]) {
                            stack.append((pc32 + 1, position32 + 1))
                        }
                    case .set(let index):
                        if position < input.count && program.sets[index].contains(input[position]) {
                            stack.append((pc32 + 1, position32 + 1))
                        }
                    case .split(let first, let second):
                        stack.append((Int32(second), position32))
                        stack.append((Int32(first), position32))
                    case .jump(let target):
                        stack.append((Int32(target), position32))
                    case .save, .progress:
                        stack.append((pc32 + 1, position32))
                    case .lineStart:
                        if position == 0 { stack.append((pc32 + 1, position32)) }
                    case .lineEnd:
                        if position == input.count { stack.append((pc32 + 1, position32)) }
                    case .wordBoundary(let negated):
                        let before = position > 0 && RegexMachine.isWord(input[position - 1])
                        let after = position < input.count && RegexMachine.isWord(input[position])
                        if (before != after) != negated { stack.append((pc32 + 1, position32)) }
                    case .match:
                        _ = budget.take(steps)
                        return true
                    case .lookahead, .lookEnd, .backreference:
                        preconditionFailure("BitStateMachine cannot run lookaheads or backreferences")
                    }
                }
            }
            return budget.take(steps) ? false : nil
        }
    }
}

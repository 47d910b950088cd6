/// Decides whether a program matches anywhere in the input by simulating every thread at
/// once (Thompson's construction as run by Pike's VM): each code point is read once and each
/// instruction visited at most once per position, so a search costs at most
/// `(input + 1) × instructions` steps whatever the pattern (`^(a+)+$` on a long run of `a`s
/// is linear). Used for yes/no searches of programs without backreferences or lookaheads
/// on inputs too long for `BitStateMachine`'s memory of tried states.
///
/// Captures are not tracked, so `save` is a no-op; the empty-iteration check (`progress`)
/// is dropped as well: an iteration that consumes nothing changes only captures, never
/// whether a match exists.
struct PikeMachine {
    let program: RegexProgram
    let input: UnsafeBufferPointer<UInt32>

    /// Whether the program matches; nil when `budget` ran out first.
    func search(budget: inout RegexBudget) -> Bool? {
        let instructions = program.instructions
        let count = instructions.count
        var visited = [UInt32](repeating: 0, count: count)
        var generation: UInt32 = 1
        var current: [Int32] = []
        var next: [Int32] = []
        var pending: [Int32] = []
        current.reserveCapacity(count)
        next.reserveCapacity(count)
        var steps = 0
        var matched = false

        /// Adds `start` and everything reachable from it without reading input to `list`.
        func addThread(_ start: Int, at position: Int, to list: inout [Int32]) {
            pending.append(Int32(start))
            while let popped = pending.popLast() {
                let pc = Int(popped)
                if visited[pc] == generation { continue }
                visited[pc] = generation
                steps += 1
                switch instructions[pc] {
                case .scalar, .any, .set:
                    list.append(popped)
                case .match:
                    matched = true
                case .jump(let target):
                    pending.append(Int32(target))
                case .split(let first, let second):
                    pending.append(Int32(second))
                    pending.append(Int32(first))
                case .save, .progress:
                    pending.append(popped + 1)
                case .lineStart:
                    if position == 0 { pending.append(popped + 1) }
                case .lineEnd:
                    if position == input.count { pending.append(popped + 1) }
                case .wordBoundary(let negated):
                    let before = position > 0 && RegexMachine.isWord(input[position - 1])
                    let after = position < input.count && RegexMachine.isWord(input[position])
                    if (before != after) != negated { pending.append(popped + 1) }
                case .lookahead, .lookEnd, .backreference:
                    // Programs with these never come here (see `RegexProgram.needsBacktracking`).
                    preconditionFailure("PikeMachine cannot run lookaheads or backreferences")
                }
            }
        }

        var position = 0
        while true {
            if !program.anchoredAtStart || position == 0 { addThread(0, at: position, to: &current) }
            if matched { break }
            if !budget.take(steps) { return nil }
            steps = 0
            if current.isEmpty && (program.anchoredAtStart || position >= input.count) { return false }
            if position >= input.count { return false }
            let scalar = input[position]
            generation &+= 1
            if generation == 0 {
                for index in visited.indices { visited[index] = 0 }
                generation = 1
            }
            for pc in current {
                let accepted: Bool
                switch instructions[Int(pc)] {
                case .scalar(let value): accepted = scalar == value
                case .any: accepted = !RegexMachine.isLineTerminator(scalar)
                case .set(let index): accepted = program.sets[index].contains(scalar)
                default: accepted = false
                }
                steps += 1
                if accepted { addThread(Int(pc) + 1, at: position + 1, to: &next) }
                if matched { break }
            }
            current.removeAll(keepingCapacity: true)
            swap(&current, &next)
            position += 1
            if matched { break }
        }
        _ = budget.take(steps)  // the answer is known: a match
        return true
    }
}

import MappingTemplates
import Velocity

enum VelocityFuzzing {
    /// Small limits, so that every render ends in well under the fuzzer's time limit (and a
    /// render that runs to its budget costs milliseconds, not tens of them, under ASan).
    static let limits: VelocityLimits = {
        var limits = VelocityLimits()
        limits.steps = 20_000
        limits.regexSteps = 100_000
        limits.outputBytes = 64 * 1024
        limits.textBytes = 256 * 1024
        return limits
    }()

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let (templateBytes, bodyBytes) = split(bytes)
        let source = String(decoding: templateBytes, as: UTF8.self)
        let template: MappingTemplate
        do {
            template = try MappingTemplate(source, limits: limits)
        } catch {
            if case .syntax(let syntax) = error {
                // The position is inside the text: lines counted as the parser counts them (line feeds).
                let lines = source.unicodeScalars.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                invariant(syntax.location.line >= 1 && syntax.location.line <= lines + 1, "syntax error on line \(syntax.location.line) of \(lines)")
                invariant(syntax.location.column >= 1, "syntax error at column \(syntax.location.column)")
            }
            return
        }
        var input = MappingTemplateInput(body: String(decoding: bodyBytes, as: UTF8.self))
        input.parameters = RequestParameters(path: [("id", "1")], querystring: [("q", "x")], header: [("h", "v")])
        input.stageVariables = [("alias", "dev")]
        do {
            let output = try template.render(input)
            invariant(output.body.utf8.count <= limits.outputBytes, "output of \(output.body.utf8.count) bytes passed the limit")
            // Rendering is a function of the template and its input.
            let again = try template.render(input)
            invariant(again.body == output.body, "two renders of the same input differ")
        } catch {
            // A runtime error is a typed refusal; its position, when known, is in the text.
            if let location = error.location { invariant(location.line >= 1 && location.column >= 1, "runtime error at \(location)") }
        }
    }
}

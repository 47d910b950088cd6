import CommandSupport
import JSONCore
import Templates
import YAMLCore

/// `gateway serve --template [FILE]`: a SAM or CloudFormation template turned into the
/// deployment the server loads. The template's deployment document and definitions are written
/// under the state directory (`<state>/template/`), then served as a deployment file is.
enum TemplateOptions {
    /// The names the SAM CLI looks for when `--template` names no file.
    static let defaultNames = ["template.yaml", "template.yml", "template.json"]

    /// What the template made: the arguments to go on with (`--deployment` and `--state`
    /// added), and what the banner shows.
    struct Prepared {
        var arguments: [String]
        var project: TemplateProject?
        var template: String?
        /// Makes the project again (after an edit).
        var generator: Generator?
    }

    /// Takes `--template`, `--parameter-overrides` and `--env-vars` out of `arguments`; with a
    /// template, transforms it and writes the result. Nil after printing why it failed.
    static func prepare(_ arguments: [String], io: CommandIO) -> Prepared? {
        var rest: [String] = []
        var template: String? = nil
        var wantsTemplate = false
        var overridesText = ""
        var envVars: String? = nil
        var index = 0
        while index < arguments.count {
            let (name, inline) = ArgumentScanner.split(arguments[index])
            switch name {
            case "--template", "-t":
                wantsTemplate = true
                if let inline {
                    template = inline
                } else if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") {
                    template = arguments[index + 1]
                    index += 1
                }
            case "--parameter-overrides":
                guard let value = inline ?? (index + 1 < arguments.count ? arguments[index + 1] : nil) else {
                    io.printError("gateway serve: --parameter-overrides needs Key=Value pairs\n")
                    return nil
                }
                if inline == nil { index += 1 }
                overridesText += (overridesText.isEmpty ? "" : " ") + value
            case "--env-vars":
                guard let value = inline ?? (index + 1 < arguments.count ? arguments[index + 1] : nil) else {
                    io.printError("gateway serve: --env-vars needs a JSON file\n")
                    return nil
                }
                if inline == nil { index += 1 }
                envVars = value
            default:
                rest.append(arguments[index])
            }
            index += 1
        }
        guard wantsTemplate else {
            if !overridesText.isEmpty || envVars != nil {
                io.printError("gateway serve: --parameter-overrides and --env-vars go with --template\n")
                return nil
            }
            return Prepared(arguments: arguments)
        }
        if rest.contains(where: { ArgumentScanner.split($0).0 == "--deployment" }) {
            io.printError("gateway serve: --template and --deployment are two ways to say what to serve: give one\n")
            return nil
        }
        guard let file = template ?? defaultNames.first(where: FileSystem.isFile) else {
            io.printError("gateway serve: --template: no \(defaultNames.joined(separator: ", ")) in this directory; name the template: --template FILE\n")
            return nil
        }
        let stateGiven = rest.firstIndex { ArgumentScanner.split($0).0 == "--state" }
        var state = ProjectLocation.stateDirectory(forDeployment: file)
        if let position = stateGiven {
            let (_, inline) = ArgumentScanner.split(rest[position])
            if let value = inline ?? (position + 1 < rest.count ? rest[position + 1] : nil) { state = value }
        } else {
            rest += ["--state", state]
        }
        let generator = Generator(file: file, overrides: overridesText, envVars: envVars, generated: FileSystem.absolute(state) + "/template")
        let project: TemplateProject
        switch generator.generate() {
        case .failure(let failure):
            io.printError(failure.lines.map { "gateway serve: \($0)\n" }.joined())
            return nil
        case .success(let made):
            project = made.project
            for note in made.notes { io.printError("gateway serve: \(note)\n") }
        }
        return Prepared(arguments: rest + ["--deployment", generator.generated + "/deployment.json"], project: project, template: file, generator: generator)
    }

    /// Makes the project from the template and writes it: what `--template` does at the start,
    /// and again after each edit of the template or a file it includes.
    struct Generator: Sendable {
        let file: String
        let overrides: String
        let envVars: String?
        /// Where the deployment document and definitions are written (`<state>/template`).
        let generated: String

        struct Failure: Error {
            var lines: [String]
        }

        /// The project and what to say about it (warnings, properties not emulated), or every
        /// problem, one line each.
        func generate() -> Result<(project: TemplateProject, notes: [String]), Failure> {
            guard let bytes = FileReader.read(path: file) else { return .failure(Failure(lines: ["\(file): \(FileReader.whyUnreadable(path: file))"])) }
            var project: TemplateProject
            var notes: [String] = []
            do throws(TemplateError) {
                let source = try TemplateSource(file: file, bytes: bytes)
                var transform = TemplateTransform(source: source, baseDirectory: FileSystem.absolute(TemplateOptions.directory(of: file)), generatedDirectory: generated)
                transform.overrides = try TemplateTransform.parameterOverrides(overrides)
                do throws(TemplateErrors) {
                    project = try transform.project()
                } catch {
                    return .failure(Failure(lines: error.errors.map(\.description)))
                }
                if let envVars, let ignored = try TemplateOptions.apply(envVars: envVars, to: &project) { notes.append(ignored) }
            } catch {
                return .failure(Failure(lines: [error.description]))
            }
            if let problem = project.write(into: generated) { return .failure(Failure(lines: ["cannot write \(generated): \(problem)"])) }
            notes += project.warnings.map { "warning: \($0)" }
            if !project.notEmulated.isEmpty { notes.append("accepted, not emulated locally: \(project.notEmulated.joined(separator: ", "))") }
            return .success((project, notes))
        }
    }

    /// Makes the project again after an edit: nil when it was written (its notes logged), else
    /// why the running version stays.
    static func regenerate(_ generator: Generator, log: LineWriter) -> String? {
        switch generator.generate() {
        case .failure(let failure):
            return failure.lines.joined(separator: "\n")
        case .success(let made):
            for note in made.notes { log.append("gateway serve: \(note)") }
            return nil
        }
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// `--env-vars FILE` in the SAM CLI's format: `{"Parameters": {VAR: value}, "<Function>":
    /// {VAR: value}}`. Only variables a function declares are set (as the SAM CLI does); the
    /// others are named (the returned note).
    static func apply(envVars file: String, to project: inout TemplateProject) throws(TemplateError) -> String? {
        guard let bytes = FileReader.read(path: file) else {
            throw TemplateError(file: file, path: [], message: FileReader.whyUnreadable(path: file))
        }
        let document = try TemplateSource(file: file, bytes: bytes).document
        guard case .object(var deployment) = project.deployment, case .object(var functions)? = deployment["functions"] else { return nil }
        var ignored: [String] = []
        for member in document.objectValue ?? JSONObject() {
            guard case .object(let variables) = member.value else {
                throw TemplateError(file: file, path: [member.key], message: "expected a mapping of variables")
            }
            let targets = member.key == "Parameters" ? functions.members.map(\.key) : [member.key]
            if member.key != "Parameters", functions[member.key] == nil {
                ignored.append("\(member.key) (no such function" + Suggestion.didYouMean(member.key, among: functions.members.map(\.key)) + ")")
                continue
            }
            for variable in variables {
                var applied = false
                for name in targets {
                    guard case .object(var function)? = functions[name], case .object(var environment)? = function["environment"],
                        environment[variable.key] != nil
                    else { continue }
                    environment[variable.key] = .string(variable.value.plainText)
                    function["environment"] = .object(environment)
                    functions[name] = .object(function)
                    applied = true
                }
                if !applied { ignored.append("\(member.key).\(variable.key) (not declared in the template's Environment.Variables)") }
            }
        }
        deployment["functions"] = .object(functions)
        project.deployment = .object(deployment)
        return ignored.isEmpty ? nil : "--env-vars \(file): ignored \(ignored.joined(separator: ", "))"
    }
}

import JSONCore
import TextAndFiles

/// What a SAM or CloudFormation template becomes here: a deployment document (the deployment
/// file's format: API id, stages, functions, usage plans, API keys) and the OpenAPI definitions
/// its stages serve — the one input the control plane loads, whichever way the project came —
/// with what the template declares that has no local meaning, and its outputs.
public struct TemplateProject: Sendable {
    /// The deployment document (`DeploymentConfiguration`'s format); its definitions are named
    /// by the keys of `definitions`, its code directories absolute.
    public var deployment: JSONValue
    /// Each definition's file name and document.
    public var definitions: [String: JSONValue]
    /// Files to write before loading (InlineCode): absolute path → text.
    public var files: [String: String]
    /// Properties accepted but not emulated, one line each (`Resources/Fn/Properties/Tracing`).
    public var notEmulated: [String]
    /// Warnings (a runtime version other than the machine's is the code runner's).
    public var warnings: [String]
    /// `Outputs`, resolved, in the template's order (invoke URLs as AWS would give them).
    public var outputs: [(name: String, value: String)]
    /// The API id of the API that the stages serve.
    public var apiId: String
    /// The region the template resolves with.
    public var region: String
    /// The files the project was made from: the template, the files it includes
    /// (`AWS::Include`, `DefinitionUri`) — what a watcher watches to make it again.
    public var sourceFiles: [String] = []

    /// Writes the deployment document (`deployment.json`), the definitions and the inline code
    /// under `directory`; the reason on failure. Files whose text is unchanged are left alone
    /// (a rewrite would look like an edit to a watcher).
    public func write(into directory: String) -> String? {
        if let problem = FileSystem.makeDirectories(directory) { return problem }
        var texts = files
        texts[directory + "/deployment.json"] = JSONWriter.pretty.string(deployment) + "\n"
        for (name, document) in definitions { texts[directory + "/" + name] = JSONWriter.pretty.string(document) + "\n" }
        for (path, text) in texts.sorted(by: { $0.key < $1.key }) {
            let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            if let problem = FileSystem.makeDirectories(parent) { return problem }
            if FileReader.read(path: path) == Array(text.utf8) { continue }
            if let problem = FileSystem.writeFile(Array(text.utf8), to: path) { return "\(path): \(problem)" }
        }
        return nil
    }
}

import APIGateway
import APIModel
import Foundation
import HTTPCore
import JSONCore
import YAMLCore
import JSONSchema

extension APIGatewayControl {
    /// GetExport: the API as deployed to `stage`, self-contained (see `APIExporter`), with the
    /// `x-amazon-apigateway-*` extensions when `extensions` is true (`extensions=apigateway`).
    public func export(stage name: String, format: ExportFormat, extensions: Bool) throws(ControlError) -> JSONValue {
        guard let stage = committer.read({ $0.stages[name] }) else { throw .notFound("Invalid Stage identifier specified") }
        guard let document = stage.deployment.document else { throw .notFound("The stage \(name) has no deployment") }
        let definition = stage.deployment.definition.isEmpty ? stage.base.definition : stage.deployment.definition
        let file = definition.hasPrefix("/") ? definition : baseDirectory + "/" + definition
        let directory = DefinitionFiles.directory(of: file)
        let read = { (path: String) in try? SchemaRegistry.readJSON(atPath: DefinitionFiles.path(of: path, definitionDirectory: directory)) }
        var exporter = APIExporter(file: file, readModel: read)
        do {
            // A definition split across files is brought into one first (as the gateway reads it).
            let definitionName = ReferencedModels.name(of: file)
            let reached = try DefinitionFiles.reachable(from: document, file: definitionName) { (name, _) throws(SchemaLoadError) in read(name) }
            let bundled = try ExternalReferences.inlined(document, file: definitionName, documents: reached)
            let document = try APIDocument.normalized(bundled, file: file)
            return try exporter.export(
                document, stage: name, apiId: configuration.apiId, region: configuration.region, format: format, extensions: extensions)
        } catch let error as APIDefinitionError {
            throw .badRequest(error.description)
        } catch {
            throw .badRequest("\(error)")
        }
    }
}

extension APIGatewayAPI {
    /// GET /restapis/{id}/stages/{stage}/exports/{oas30|swagger}?extensions=…, as AWS answers
    /// it: the document as the body, `Content-Type` as asked (`application/json`, or
    /// `application/yaml`, which JSON text is), `Content-Disposition` naming a file.
    func getExport(_ call: AWSCall, stage: String, type: String) throws(ControlError) -> HTTPResponse {
        if let template = TemplateExportFormat(rawValue: type) {
            // A local extension: the whole project as a template (every stage), code paths
            // relative to `relativeTo` (the directory the template will be written to).
            let document = try control.exportTemplate(template, relativeTo: call.query["relativeTo"] ?? control.apiGateway.baseDirectory)
            let yaml = (call.request.headers["Accept"] ?? "").contains("application/yaml")
            var headers = HTTPHeaders()
            headers.add("Content-Type", yaml ? "application/yaml" : "application/json")
            headers.add("x-amzn-RequestId", call.requestId)
            return HTTPResponse(status: 200, headers: headers, body: yaml ? YAMLWriter.bytes(document) : JSONWriter.pretty.bytes(document))
        }
        guard let format = ExportFormat(rawValue: type) else {
            throw .badRequest("Invalid export type '\(type)': must be one of oas30, swagger")
        }
        let wanted = call.query["extensions"] ?? ""
        let known: Set<String> = ["", "apigateway", "integrations", "authorizers", "postman"]
        for value in wanted.split(separator: ",") where !known.contains(String(value)) {
            throw .badRequest("Invalid extensions value '\(value)'")
        }
        let document = try control.apiGateway.export(stage: stage, format: format, extensions: !wanted.isEmpty)
        let accept = call.request.headers["Accept"] ?? "application/json"
        let yaml = accept.contains("application/yaml")
        var headers = HTTPHeaders()
        headers.add("Content-Type", yaml ? "application/yaml" : "application/json")
        let suffix = wanted.isEmpty ? "" : "-" + wanted.replacingOccurrences(of: ",", with: "-")
        headers.add("Content-Disposition", "attachment; filename=\"\(control.configuration.apiId)-\(stage)-\(type)\(suffix).\(yaml ? "yaml" : "json")\"")
        headers.add("x-amzn-RequestId", call.requestId)
        return HTTPResponse(status: 200, headers: headers, body: yaml ? YAMLWriter.bytes(document) : JSONWriter.pretty.bytes(document))
    }
}

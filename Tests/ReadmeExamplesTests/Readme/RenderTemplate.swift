import MappingTemplates

/// A request template rendered as API Gateway renders it.
func renderIDTemplate() throws -> String {
    let template = try MappingTemplate(#"{"ID": $input.params("ID"), "stage": "$context.stage"}"#)  // ≤ 300 KB
    var input = MappingTemplateInput(parameters: RequestParameters(path: [("ID", "7")]))
    input.context.stage = "prod"
    let output = try template.render(input)  // output.body; output.overrides (responseOverride…)
    return output.body                       // {"ID": 7, "stage": "prod"}
}

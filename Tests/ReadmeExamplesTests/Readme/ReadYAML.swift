import JSONCore
import YAMLCore

/// A SAM-style YAML fragment as JSON: the core schema (`2010-09-09` stays a string),
/// CloudFormation's short tags as their long forms, and where each value is.
func readTemplate() throws -> (JSONValue, JSONPositions.Position?) {
    let text = """
        AWSTemplateFormatVersion: 2010-09-09
        Resources:
          Items:
            Type: AWS::Serverless::Function
            Properties:
              Role: !GetAtt ItemsRole.Arn
              Environment: {Variables: {TABLE: !Ref Table, DEBUG: yes}}
        """
    let reader = YAMLReader(options: YAMLReader.Options(recordPositions: true))
    let document = try reader.documents(Array(text.utf8))[0]      // errors name line:column
    let role = document.position(nearest: "/Resources/Items/Properties/Role")
    return (document.value, role)                                 // role: line 6, column 13
}

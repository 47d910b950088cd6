import JSONCore

/// What Lambda allows in a function's environment variables, wherever they are set (the
/// Lambda API, a deployment file): no reserved key, 4 KB at most as Lambda measures them.
public enum EnvironmentRules {
    /// Keys Lambda keeps for itself.
    public static let reservedKeys: Set<String> = [
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    ]

    /// The most the variables may take: their JSON object's bytes.
    public static let limit = 4096

    /// Lambda's message for variables it refuses, or nil when it takes them.
    public static func problem(_ variables: JSONObject) -> String? {
        let reserved = variables.map(\.key).filter(reservedKeys.contains)
        if !reserved.isEmpty {
            return "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: "
                + reserved.joined(separator: ",")
        }
        let measured = JSONWriter.compact.string(.object(variables))
        if measured.utf8.count > limit {
            return "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: "
                + measured
        }
        return nil
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSONCore
import JSONSchema
import Testing
import XCTest

// MARK: - Swift Testing

/// Records a Swift Testing issue listing every error when `payload` is not valid against `model`.
/// Returns whether it was valid.
@discardableResult
public func expectValid(
    _ payload: JSONValue, against model: String, in validator: ModelValidator, sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    record(Result { try validator.errors(in: payload, against: model) }, model: model, sourceLocation: sourceLocation)
}

/// `expectValid` for JSON bytes.
@discardableResult
public func expectValid(
    _ bytes: [UInt8], against model: String, in validator: ModelValidator, sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    record(Result { try validator.errors(in: bytes, against: model) }, model: model, text: bytes, sourceLocation: sourceLocation)
}

/// `expectValid` for JSON `Data`.
@discardableResult
public func expectValid(
    _ data: Data, against model: String, in validator: ModelValidator, sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    record(Result { try validator.errors(in: data, against: model) }, model: model, text: [UInt8](data), sourceLocation: sourceLocation)
}

/// `expectValid` for YAML text (one document); each error is reported with its line and column.
@discardableResult
public func expectValid(
    yaml text: String, against model: String, in validator: ModelValidator, sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    switch Result(catching: { try validator.errors(inYAML: text, against: model) }) {
    case .success(let errors):
        guard let report = ModelValidator.report(errors, model: model, inYAML: text) else { return true }
        Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
    case .failure(let error):
        Issue.record(Comment(rawValue: "cannot validate against \(model): \(error)"), sourceLocation: sourceLocation)
    }
    return false
}

/// `expectValid` for any `Encodable` value (encoded with `JSONEncoder`).
@discardableResult
public func expectValid(
    encoding value: some Encodable, against model: String, in validator: ModelValidator,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    record(Result { try validator.errors(encoding: value, against: model) }, model: model, sourceLocation: sourceLocation)
}

private func record(
    _ result: Result<[ValidationError], any Error>, model: String, text: [UInt8]? = nil, sourceLocation: SourceLocation
) -> Bool {
    switch result {
    case .success(let errors):
        guard let report = text.map({ ModelValidator.report(errors, model: model, in: $0) }) ?? ModelValidator.report(errors, model: model)
        else { return true }
        Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
    case .failure(let error):
        Issue.record(Comment(rawValue: "cannot validate against \(model): \(error)"), sourceLocation: sourceLocation)
    }
    return false
}

// MARK: - XCTest

/// Fails the current XCTest test, listing every error, when `payload` is not valid against `model`.
public func XCTAssertValid(
    _ payload: JSONValue, against model: String, in validator: ModelValidator, file: StaticString = #filePath, line: UInt = #line
) {
    xctRecord(Result { try validator.errors(in: payload, against: model) }, model: model, file: file, line: line)
}

/// `XCTAssertValid` for JSON `Data`.
public func XCTAssertValid(
    _ data: Data, against model: String, in validator: ModelValidator, file: StaticString = #filePath, line: UInt = #line
) {
    xctRecord(Result { try validator.errors(in: data, against: model) }, model: model, text: [UInt8](data), file: file, line: line)
}

/// `XCTAssertValid` for YAML text (one document).
public func XCTAssertValid(
    yaml text: String, against model: String, in validator: ModelValidator, file: StaticString = #filePath, line: UInt = #line
) {
    switch Result(catching: { try validator.errors(inYAML: text, against: model) }) {
    case .success(let errors):
        if let report = ModelValidator.report(errors, model: model, inYAML: text) { XCTFail(report, file: file, line: line) }
    case .failure(let error):
        XCTFail("cannot validate against \(model): \(error)", file: file, line: line)
    }
}

/// `XCTAssertValid` for any `Encodable` value.
public func XCTAssertValid(
    encoding value: some Encodable, against model: String, in validator: ModelValidator, file: StaticString = #filePath,
    line: UInt = #line
) {
    xctRecord(Result { try validator.errors(encoding: value, against: model) }, model: model, file: file, line: line)
}

private func xctRecord(
    _ result: Result<[ValidationError], any Error>, model: String, text: [UInt8]? = nil, file: StaticString, line: UInt
) {
    switch result {
    case .success(let errors):
        let report = text.map { ModelValidator.report(errors, model: model, in: $0) } ?? ModelValidator.report(errors, model: model)
        if let report { XCTFail(report, file: file, line: line) }
    case .failure(let error):
        XCTFail("cannot validate against \(model): \(error)", file: file, line: line)
    }
}

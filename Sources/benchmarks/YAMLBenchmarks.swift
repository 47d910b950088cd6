import Foundation
import JSONCore
import YAMLCore

/// YAML beside JSON: the same data read by `YAMLReader` (block-style YAML) and by `JSONParser`
/// (JSON), at 1 KB, 1 MB and 50 MB; PyYAML's `CSafeLoader` (libyaml) on the same 1 MB file; and
/// `schema-check` on the 50 MB payload as YAML and as JSON in the whole process, with peak memory.
func yamlBenchmarks() throws {
    let root = FileManager.default.currentDirectoryPath
    print("\nyaml: the items payload as block-style YAML and as JSON, median of \(settings.runs) runs")
    var bigYAML: [UInt8] = []
    var bigJSON: [UInt8] = []
    var oneMegabyteYAML: [UInt8] = []
    for (label, items) in [("1 KB", 20), ("1 MB", 25_000), ("50 MB", 1_250_000)] {
        let json = itemsPayload(count: items)
        let value = try JSONParser().parse(json)
        let yaml = YAMLWriter.bytes(value)
        let reread = try YAMLReader().parse(yaml)
        precondition(reread == value, "the YAML does not read back")
        let repeats = max(1, 2_000_000 / max(yaml.count, 1))
        var sink = 0
        let jsonName = named("parse JSON, \(label) (\(json.count) bytes)")
        let jsonTime = measure(settings.runs) {
            for _ in 0..<repeats { if case .array(let elements) = try! JSONParser().parse(json) { sink &+= elements.count } }
        }
        report(jsonName, seconds: jsonTime / Double(repeats), items: items, bytes: json.count)
        let yamlName = named("read YAML, \(label) (\(yaml.count) bytes)")
        let yamlTime = measure(settings.runs) {
            for _ in 0..<repeats { if case .array(let elements) = try! YAMLReader().parse(yaml) { sink &+= elements.count } }
        }
        report(yamlName, seconds: yamlTime / Double(repeats), items: items, bytes: yaml.count)
        precondition(sink > 0 || (jsonTime.isNaN && yamlTime.isNaN))
        if !jsonTime.isNaN && !yamlTime.isNaN {
            print(String(format: "  YAML read / JSON parse, same items: %.2f× the speed (items per second)", jsonTime / yamlTime))
        }
        if label == "1 MB" { oneMegabyteYAML = yaml }
        if label == "50 MB" {
            bigYAML = yaml
            bigJSON = json
        }
    }

    // PyYAML's C loader (libyaml), timed inside Python on the same 1 MB file.
    let directory = NSTemporaryDirectory() + "yaml-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Data(oneMegabyteYAML).write(to: URL(fileURLWithPath: directory + "/items.yaml"))
    let script = """
        import sys, time, yaml
        data = open(sys.argv[1], "rb").read()
        times = []
        for _ in range(int(sys.argv[2])):
            start = time.perf_counter(); yaml.load(data, Loader=yaml.CSafeLoader); times.append(time.perf_counter() - start)
        times.sort(); print(times[len(times) // 2])
        """
    let peerWanted = settings.only.map { "PyYAML CSafeLoader".contains($0) } ?? true
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, directory + "/items.yaml", String(settings.runs)]
    if peerWanted {
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    if (try? process.run()) != nil {
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if let seconds = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), process.terminationStatus == 0 {
            _ = named("read YAML, 1 MB")
            let ours = measure(settings.runs) { _ = try! YAMLReader().parse(oneMegabyteYAML) }
            report("PyYAML CSafeLoader (libyaml), 1 MB", seconds: seconds, items: 25_000, bytes: oneMegabyteYAML.count)
            if !ours.isNaN { print(String(format: "  YAMLReader / CSafeLoader: %.0f× the speed", seconds / ours)) }
        } else {
            print("PyYAML with its C loader is not available here (pip install pyyaml): no peer figure")
        }
    }
    }

    // schema-check, whole process, the 50 MB payload as YAML and as JSON.
    let tool = root + "/.build/release/schema-check"
    if let only = settings.only, !"schema-check, 50 MB".contains(only) { return }
    guard FileManager.default.isExecutableFile(atPath: tool) else {
        print("no release schema-check (swift build -c release --product schema-check): no whole-process figures")
        return
    }
    try Data(bigYAML).write(to: URL(fileURLWithPath: directory + "/items.yaml"))
    try Data(bigJSON).write(to: URL(fileURLWithPath: directory + "/items.json"))
    for (label, file, size) in [("JSON", "items.json", bigJSON.count), ("YAML", "items.yaml", bigYAML.count)] {
        let peak = PeakMemory()
        _ = named("schema-check, 50 MB \(label)")
        let seconds = measure(settings.runs) {
            let status = spawnAndWait(tool, ["-s", "Items", directory + "/" + file], in: root, peak: peak)
            precondition(status == 0, "schema-check failed on \(file)")
        }
        report("schema-check -s Items, 50 MB as \(label), whole process", seconds: seconds, items: 1_250_000, bytes: size)
        if !seconds.isNaN {
            print(String(format: "  peak memory %.0f MB = %.2f× the %.0f MB file", Double(peak.bytes) / 1e6, Double(peak.bytes) / Double(size), Double(size) / 1e6))
        }
    }
}

/// `benchmarks yaml-profile`: only the 1 MB read, many times (for a profiler).
func yamlProfile() throws {
    let value = try JSONParser().parse(itemsPayload(count: 25_000))
    let yaml = YAMLWriter.bytes(value)
    var sink = 0
    for _ in 0..<(settings.runs * 10) { if case .array(let elements) = try YAMLReader().parse(yaml) { sink &+= elements.count } }
    precondition(sink > 0)
}

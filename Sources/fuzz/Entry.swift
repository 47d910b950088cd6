import FuzzTargets

#if canImport(Glibc)
import Glibc
#endif

// Two builds of one program:
//
// - Built with `-sanitize=fuzzer -DFUZZING` (see `.ci/fuzz`), it is a libFuzzer binary:
//   `FUZZ_TARGET=json .build-fuzz/release/fuzz Fuzz/corpus/json -runs=10000000`.
// - Built normally, it replays inputs: `swift run fuzz json Fuzz/corpus/json` runs every file
//   (or directory of files) given through the target and reports how many passed.

/// A line on standard error.
func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target this process fuzzes (`FUZZ_TARGET`), chosen once at start.
nonisolated(unsafe) var selectedTarget = FuzzTarget.json

// SwiftPM links an executable with its `main` renamed to `<module>_main`; libFuzzer's driver
// is started from here, so the package needs no C main of its own.
@_cdecl("fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        printError("fuzz: set FUZZ_TARGET to one of: \(names)")
        return 2
    }
    selectedTarget = target
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in
        selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
        return 0
    }
}
#else
@main
struct FuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let first = arguments.first, let target = FuzzTarget(rawValue: first), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            print("usage: fuzz \(names) FILE|DIRECTORY...   (replays inputs through a fuzz target)")
            exit(arguments.first == "--help" || arguments.first == "-h" ? 0 : 2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            for file in FuzzCorpus.files(at: path) {
                guard let bytes = FuzzCorpus.read(file) else {
                    printError("fuzz: cannot read \(file)")
                    exit(2)
                }
                target.run(bytes)
                count += 1
            }
        }
        print("fuzz \(target.rawValue): \(count) inputs replayed, every invariant held")
    }
}
#endif

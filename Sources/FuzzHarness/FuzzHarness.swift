import Foundation

/// What the fuzz executables share (scripts/fuzz; README, "Fuzzing"): choosing the parsers
/// a run exercises, and — in a plain build, where libFuzzer does not supply `main` — replaying
/// files through the fuzz entry point as libFuzzer would.
public enum FuzzHarness {
    /// One named parser of an executable: `TWOFOLD_FUZZ_TARGET=name` selects it.
    public typealias Target = (name: String, run: @Sendable ([UInt8]) -> Void)

    /// The parsers `TWOFOLD_FUZZ_TARGET` names (every one when it is unset or empty); an
    /// unknown name stops the process with exit status 2 and the list of names.
    public static func selected(tool: String, from targets: [Target]) -> [@Sendable ([UInt8]) -> Void] {
        guard let name = ProcessInfo.processInfo.environment["TWOFOLD_FUZZ_TARGET"], !name.isEmpty else {
            return targets.map(\.run)
        }
        guard let target = targets.first(where: { $0.name == name }) else {
            let names = targets.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("\(tool): unknown TWOFOLD_FUZZ_TARGET '\(name)' (one of: \(names))\n".utf8))
            exit(2)
        }
        return [target.run]
    }

    /// `TOOL FILE|DIR…`: runs each file (each file of each directory, in name order) through
    /// `fuzz` once and prints how many ran; a path that does not exist stops it with status 1.
    public static func replay(tool: String, arguments: [String], fuzz: (UnsafePointer<UInt8>, Int) -> Int32) {
        var count = 0
        for path in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("\(tool): \(path) does not exist\n".utf8))
                exit(1)
            }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                let bytes = [UInt8](data)
                // libFuzzer never passes a null pointer, even for an empty input.
                bytes.withUnsafeBufferPointer { _ = fuzz($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
                count += 1
            }
        }
        print("replayed \(count) input(s) without a crash")
    }
}

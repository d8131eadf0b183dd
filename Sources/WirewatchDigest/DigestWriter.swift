import Foundation
import WirewatchCore

#if canImport(Glibc)
import Glibc
#endif

/// Writes digests into a folder, each format atomically (a temporary name, fsync, rename), and
/// keeps the folder within its retention (so many digests, or so old).
public struct DigestWriter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case markdown = "md"
        case json
        case html
    }

    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write the digest \(path): \(reason)" }
    }

    public let folder: String
    public var formats: [Format]
    /// Digests kept (each digest is its files in every format); 0: no limit.
    public var keep: Int
    /// Digests older than this many seconds are removed; 0: no limit.
    public var maximumAge: Double

    public init(folder: String, formats: [Format] = Format.allCases, keep: Int = 100, maximumAge: Double = 0) {
        self.folder = folder
        self.formats = formats
        self.keep = keep
        self.maximumAge = maximumAge
    }

    /// The file name of a digest, without its extension: `digest-20240618T1200Z`.
    public static func stem(_ digest: Digest) -> String {
        let iso = DigestTime.iso(digest.until)  // 2024-06-18T12:00:00Z
        let compact = iso.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return "digest-" + String(compact.prefix(13)) + "Z"
    }

    /// Writes every format and applies the retention; returns the paths written.
    @discardableResult
    public func write(_ digest: Digest, now: Double) throws(WriteError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: folder, reason: "\(error)")
        }
        var written: [String] = []
        var stem = Self.stem(digest)
        // Two digests for the same minute (one on demand, one on schedule) keep both.
        var suffix = 2
        while formats.contains(where: { FileManager.default.fileExists(atPath: folder + "/" + stem + "." + $0.rawValue) }) {
            stem = Self.stem(digest) + "-\(suffix)"
            suffix += 1
        }
        // The formats are rendered and written side by side (one renders while another's bytes
        // go to the disk); each file appears whole, by rename, or not at all.
        let outcomes = ParallelSlots<WriteError?>(count: formats.count, empty: nil)
        let formats = self.formats
        let paths = formats.map { folder + "/" + stem + "." + $0.rawValue }
        DispatchQueue.concurrentPerform(iterations: formats.count) { index in
            let bytes: [UInt8]
            switch formats[index] {
            case .markdown: bytes = DigestMarkdown.bytes(digest)
            case .json: bytes = DigestJSON.render(digest)
            case .html: bytes = DigestHTML.bytes(digest)
            }
            do throws(WriteError) {
                try Self.writeAtomically(bytes, to: paths[index])
            } catch {
                outcomes.set(index, error)
            }
        }
        if let failure = outcomes.values.compactMap({ $0 }).first { throw failure }
        written = paths
        applyRetention(now: now)
        return written
    }

    /// Removes the oldest digests beyond `keep` and those older than `maximumAge` (by name, which
    /// sorts by time; files that are not digests are left alone).
    func applyRetention(now: Double) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        var stems: [String: [String]] = [:]
        for name in names where name.hasPrefix("digest-") && !name.hasPrefix(".") {
            guard let dot = name.lastIndex(of: "."), Format(rawValue: String(name[name.index(after: dot)...])) != nil else { continue }
            stems[String(name[..<dot]), default: []].append(name)
        }
        let ordered = stems.keys.sorted(by: >)  // newest first
        for (index, stem) in ordered.enumerated() {
            var remove = keep > 0 && index >= keep
            if maximumAge > 0, let files = stems[stem], let first = files.first,
                let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + first),
                let modified = attributes[.modificationDate] as? Date, now - modified.timeIntervalSince1970 > maximumAge
            {
                remove = true
            }
            guard remove else { continue }
            for file in stems[stem] ?? [] { unlink(folder + "/" + file) }
        }
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw WriteError(path: path, reason: reason)
            }
            offset += count
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}

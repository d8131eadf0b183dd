/// Document frequencies of terms, maintained as articles arrive, in constant memory: a count-min
/// sketch with conservative update (each term's count is the minimum of its cells, and only the
/// cells at that minimum grow), so a rare term's frequency is exact unless every one of its cells
/// is shared with more frequent terms.
///
/// The inverse document frequency of a term comes from here, so the weight of a word follows
/// the stream: a name everyone writes about this week weighs less than one only two articles
/// share.
public struct TermStatistics: Sendable, Equatable {
    /// Articles counted so far.
    public private(set) var documents: Int
    /// The cells in chunks of `chunkCells`, each allocated when first written (an idle daemon with
    /// an empty store holds none of the 8 MiB).
    private var chunks: [[UInt32]?]
    static let chunkBits = 14
    static let chunkCells = 1 << chunkBits
    private let widthBits: Int
    private let depth: Int

    /// `widthBits` = 20 and `depth` = 2 take 8 MiB and keep frequencies exact for the vocabulary
    /// of millions of articles in practice.
    public init(widthBits: Int = 20, depth: Int = 2) {
        self.widthBits = widthBits
        self.depth = depth
        self.documents = 0
        self.chunks = [[UInt32]?](repeating: nil, count: max(1, (depth << widthBits) >> Self.chunkBits))
    }

    @inline(__always)
    private func value(_ index: Int) -> UInt32 {
        chunks[index >> Self.chunkBits]?[index & (Self.chunkCells - 1)] ?? 0
    }

    @inline(__always)
    private mutating func set(_ index: Int, _ value: UInt32) {
        let chunk = index >> Self.chunkBits
        if chunks[chunk] == nil { chunks[chunk] = [UInt32](repeating: 0, count: Self.chunkCells) }
        chunks[chunk]![index & (Self.chunkCells - 1)] = value
    }

    private var cellCount: Int { depth << widthBits }

    @inline(__always)
    private func cell(_ hash: UInt64, row: Int) -> Int {
        // Each row takes its own bits of the (already mixed) hash.
        let bits = row == 0 ? hash : TermHash.mix(hash &+ UInt64(row) &* 0x9e37_79b9_7f4a_7c15)
        return (row << widthBits) | Int(truncatingIfNeeded: bits & ((1 << UInt64(widthBits)) - 1))
    }

    /// How many articles counted so far contain the term.
    @inline(__always)
    public func documentFrequency(_ hash: UInt64) -> Int {
        var minimum = UInt32.max
        for row in 0..<depth { minimum = min(minimum, value(cell(hash, row: row))) }
        return Int(minimum)
    }

    /// Articles on other subjects assumed besides those counted: without them, the first
    /// articles of a new store (often all about one story) would make its own key words look
    /// common and weigh them least. With thousands of articles counted, the assumption fades.
    public static let backgroundDocuments = 1000

    /// The inverse document frequency, smoothed: ln((N + background + 1)/(df + 1)) + 1.
    @inline(__always)
    public func idf(_ hash: UInt64) -> Float {
        let df = documentFrequency(hash)
        return Float(logf(Float(documents + Self.backgroundDocuments + 1) / Float(df + 1))) + 1
    }

    /// Counts one article with these distinct terms.
    ///
    /// The cells of all the terms are read first, in one pass of independent reads: the table is
    /// far larger than the processor's cache, and such reads wait for memory together instead of
    /// one after another. Each term then raises those of its cells that hold its minimum. Two
    /// terms of one article that share a cell (rare) both see the value from before the article;
    /// no cell ever goes down, so no term is ever counted below its true frequency.
    public mutating func add(distinct hashes: some Sequence<UInt64>) {
        documents += 1
        var cells: [Int] = []
        cells.reserveCapacity(hashes.underestimatedCount * depth)
        for hash in hashes {
            for row in 0..<depth { cells.append(cell(hash, row: row)) }
        }
        let values = cells.map { value($0) }
        var start = 0
        while start < cells.count {
            let end = start + depth
            var minimum = UInt32.max
            for index in start..<end { minimum = min(minimum, values[index]) }
            if minimum < UInt32.max {
                for index in start..<end where value(cells[index]) == minimum { set(cells[index], minimum + 1) }
            }
            start = end
        }
    }

    // MARK: Snapshots

    /// The sketch as bytes (little endian), for saving.
    public func snapshot() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + cellCount * 4)
        func put(_ value: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) } }
        put(UInt64(documents))
        put(UInt64(widthBits) | UInt64(depth) << 32)
        let zeros = [UInt32](repeating: 0, count: Self.chunkCells)
        for (index, chunk) in chunks.enumerated() {
            let cells = min(Self.chunkCells, cellCount - index * Self.chunkCells)
            (chunk ?? zeros).withUnsafeBytes { bytes.append(contentsOf: $0.prefix(cells * 4)) }
        }
        return bytes
    }

    /// A sketch saved by ``snapshot()``, or nil when the bytes are not one.
    public init?(snapshot bytes: [UInt8]) {
        guard bytes.count >= 16 else { return nil }
        func get(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
            return value
        }
        let shape = get(8)
        let widthBits = Int(shape & 0xFFFF_FFFF)
        let depth = Int(shape >> 32)
        guard (1...30).contains(widthBits), (1...8).contains(depth), bytes.count == 16 + (depth << widthBits) * 4 else {
            return nil
        }
        self.widthBits = widthBits
        self.depth = depth
        self.documents = Int(get(0))
        // Chunks of zeros stay unallocated.
        var chunks: [[UInt32]?] = []
        bytes.withUnsafeBytes { source in
            let cells = UnsafeRawBufferPointer(rebasing: source[16...])
            for start in stride(from: 0, to: cells.count, by: Self.chunkCells * 4) {
                let part = UnsafeRawBufferPointer(rebasing: cells[start..<min(cells.count, start + Self.chunkCells * 4)])
                if part.allSatisfy({ $0 == 0 }) {
                    chunks.append(nil)
                } else {
                    var chunk = [UInt32](repeating: 0, count: Self.chunkCells)
                    chunk.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[..<part.count]).copyMemory(from: part) }
                    chunks.append(chunk)
                }
            }
        }
        self.chunks = chunks
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

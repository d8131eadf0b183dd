import Foundation
import WirewatchCore

/// What one file's bytes become before the commit: a parsed and analysed article, or the reason
/// it cannot be one. The daemon and `wirewatch analyze` both take files in through here, so the
/// same bytes give the same article, profile and decision in either.
public enum ArticleIntake {
    /// A file's content, judged.
    public enum Outcome: Sendable {
        case article(Article, ArticleProfile, contentHash: ContentHash, text: DecodedText, columns: ArticleColumns)
        case rejected(code: String, reason: String)
    }

    /// Screens, parses and analyses `bytes`. `fileName` helps format sniffing.
    public static func evaluate(
        _ bytes: [UInt8], fileName: String, maximumSize: Int64, analyzer: ArticleAnalyzer
    ) -> Outcome {
        if let rejection = ContentScreening.rejection(for: bytes, limit: maximumSize) {
            return .rejected(code: rejection.code, reason: rejection.description)
        }
        let article: Article
        do {
            article = try ArticleParser(maximumSize: Int(maximumSize)).parse(bytes, fileName: fileName)
        } catch {
            return .rejected(code: error.code.rawValue, reason: error.message)
        }
        return .article(
            article, analyzer.profile(article), contentHash: ContentHash(of: bytes), text: DecodedText.decode(bytes),
            columns: ArticleColumns(article))
    }

    /// Runs `work` over `items` on all cores, each worker with its own analyzer; results in order.
    public static func concurrently<Item: Sendable, Result: Sendable>(
        _ items: [Item], analyzers: AnalyzerPool, _ work: @Sendable (Item, ArticleAnalyzer) -> Result
    ) -> [Result] {
        guard items.count > 1 else { return items.map { work($0, analyzers.analyzer(0)) } }
        let results = UnsafeResults<Result>(count: items.count)
        let workers = min(analyzers.count, items.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let analyzer = analyzers.analyzer(worker)
            var index = worker
            while index < items.count {
                results.set(index, work(items[index], analyzer))
                index += workers
            }
        }
        return results.values()
    }
}

extension ArticleIntake {
    /// Runs `evaluate` on each chunk in the background, one chunk ahead of `commit`, which runs on
    /// the calling thread in order: parsing the next chunk overlaps committing this one.
    public static func pipeline<Chunk: Sendable, Evaluated: Sendable>(
        _ chunks: [Chunk], evaluate: @escaping @Sendable (Chunk) -> Evaluated, commit: (Chunk, Evaluated) throws -> Void
    ) throws {
        guard !chunks.isEmpty else { return }
        let queue = DispatchQueue(label: "wirewatch-intake")
        var pending: (chunk: Chunk, done: DispatchSemaphore, result: Box<Evaluated>)?
        func start(_ chunk: Chunk) -> (Chunk, DispatchSemaphore, Box<Evaluated>) {
            let done = DispatchSemaphore(value: 0)
            let box = Box<Evaluated>()
            queue.async {
                box.value = evaluate(chunk)
                done.signal()
            }
            return (chunk, done, box)
        }
        pending = start(chunks[0])
        for index in chunks.indices {
            guard let (chunk, done, box) = pending else { break }
            done.wait()
            pending = index + 1 < chunks.count ? start(chunks[index + 1]) : nil
            do {
                try commit(chunk, box.value!)
            } catch {
                // Let the chunk in flight finish before leaving (it holds no resources of ours).
                pending?.done.wait()
                throw error
            }
        }
    }
}

/// A value handed from one thread to another through a semaphore.
private final class Box<Value>: @unchecked Sendable {
    var value: Value?
}

/// One analyzer per worker thread (analyzers keep stemmers and buffers and are not thread-safe).
public final class AnalyzerPool: @unchecked Sendable {
    private let analyzers: [ArticleAnalyzer]

    public init(count: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        analyzers = (0..<max(1, count)).map { _ in ArticleAnalyzer() }
    }

    public var count: Int { analyzers.count }

    /// Worker `index`'s analyzer; each index must be used by one thread at a time.
    public func analyzer(_ index: Int) -> ArticleAnalyzer { analyzers[index % analyzers.count] }
}

/// Results written by index from several threads (each index by exactly one).
private final class UnsafeResults<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    init(count: Int) {
        storage = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    func values() -> [Value] { storage.map { $0! } }
}

import Testing
import WirewatchControl

struct VarlinkFrameDecoderTests {
    @Test func messagesSplitAtNULBytesAcrossReads() throws {
        var decoder = VarlinkFrameDecoder()
        #expect(try decoder.feed(Array("{\"a\":".utf8)).isEmpty)
        let messages = try decoder.feed(Array("1}".utf8) + [0] + Array("{}".utf8) + [0] + Array("{\"b".utf8))
        #expect(messages == [Array("{\"a\":1}".utf8), Array("{}".utf8)])
        #expect(decoder.pendingByteCount == 3)
    }

    @Test func anOversizedMessageIsRefused() {
        var decoder = VarlinkFrameDecoder(maximumMessageSize: 8)
        #expect(throws: VarlinkFrameDecoder.DecodeError.messageTooLarge(limit: 8)) {
            try decoder.feed([UInt8](repeating: 0x41, count: 9))
        }
    }

    @Test func framingAppendsTheTerminator() {
        #expect(VarlinkFrameDecoder.frame(Array("{}".utf8)) == [0x7B, 0x7D, 0])
    }
}

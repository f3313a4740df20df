import AMQP
import Testing

@Suite("Message ids")
struct MessageIDTests {
    @Test("a message id is 32 lower-case hex digits, leading zeros kept, and ids do not repeat")
    func shape() {
        var seen: Set<String> = []
        var leadingZero = false
        for _ in 0..<4000 {
            let id = MessageID.random()
            #expect(id.utf8.count == 32, "\(id)")
            #expect(id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }, "\(id)")
            leadingZero = leadingZero || id.hasPrefix("0") || id.dropFirst(16).hasPrefix("0")
            seen.insert(id)
        }
        #expect(seen.count == 4000)
        // One of the two halves starts with a zero in about one id of eight: 4000 ids show it.
        #expect(leadingZero)
    }
}

import Contracts
import Foundation
import Testing

@Suite("UUID text form")
struct UUIDTextTests {
    @Test("is Foundation's uuidString in lower case, for random and edge values, and parses back")
    func matchesFoundation() {
        var ids = (0..<10_000).map { _ in UUID() }
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        ids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        ids.append(UUID(uuid: (0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10)))
        for id in ids {
            #expect(id.text == id.uuidString.lowercased())
            #expect(UUID(uuidString: id.text) == id)
        }
        #expect(ids[ids.count - 1].text == "01234567-89ab-cdef-fedc-ba9876543210")
    }
}

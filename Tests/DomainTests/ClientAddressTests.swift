import Domain
import Testing

@Suite("Client address behind proxies")
struct ClientAddressTests {
    static let proxies = [ClientAddress.Range("10.0.0.0/8"), ClientAddress.Range("::1"), ClientAddress.Range("fd00::/8")].compactMap { $0 }

    @Test("ranges: addresses and CIDR blocks of both families")
    func ranges() throws {
        let block = try #require(ClientAddress.Range("192.168.4.0/22"))
        #expect(block.contains("192.168.7.255") && block.contains("192.168.4.0"))
        #expect(!block.contains("192.168.8.0") && !block.contains("::ffff:10.0.0.1") && !block.contains("not an address"))
        #expect(try #require(ClientAddress.Range("2001:db8::/32")).contains("2001:db8:ffff::1"))
        #expect(!(try #require(ClientAddress.Range("2001:db8::/32")).contains("2001:db9::1")))
        #expect(try #require(ClientAddress.Range("0.0.0.0/0")).contains("203.0.113.9"))
        for bad in ["10.0.0.0/33", "10.0.0/8", "example.com", "::1/129", "10.0.0.1/-1", ""] {
            #expect(ClientAddress.Range(bad) == nil, "\(bad)")
        }
        #expect((try? ClientAddress.ranges("10.0.0.0/8, ::1").get())?.count == 2)
        #expect(ClientAddress.ranges("10.0.0.0/8,nope") == .failure(.init(entry: "nope")))
    }

    @Test("without trusted proxies, or from an untrusted peer, X-Forwarded-For is ignored")
    func untrusted() {
        #expect(ClientAddress.client(peer: "203.0.113.5", forwardedFor: ["198.51.100.1"], trusted: []) == "203.0.113.5")
        #expect(ClientAddress.client(peer: "203.0.113.5", forwardedFor: ["198.51.100.1"], trusted: Self.proxies) == "203.0.113.5")
        #expect(ClientAddress.client(peer: nil, forwardedFor: ["198.51.100.1"], trusted: Self.proxies) == nil)
    }

    @Test("behind trusted proxies, the right-most hop that is not a proxy is the client")
    func trusted() {
        // The client forged a first entry; the proxies appended the real one and themselves.
        #expect(ClientAddress.client(peer: "10.0.0.2", forwardedFor: ["1.1.1.1, 198.51.100.7", "10.0.0.9"], trusted: Self.proxies)
            == "198.51.100.7")
        #expect(ClientAddress.client(peer: "::1", forwardedFor: ["[2001:db8::5]:4711"], trusted: Self.proxies) == "2001:db8::5")
        #expect(ClientAddress.client(peer: "10.0.0.2", forwardedFor: ["198.51.100.7:8080"], trusted: Self.proxies) == "198.51.100.7")
        // Only proxies: the left-most one; nothing forwarded: the peer.
        #expect(ClientAddress.client(peer: "10.0.0.2", forwardedFor: ["10.0.0.3"], trusted: Self.proxies) == "10.0.0.3")
        #expect(ClientAddress.client(peer: "10.0.0.2", forwardedFor: [], trusted: Self.proxies) == "10.0.0.2")
        // Garbage behind the proxies is not believed.
        #expect(ClientAddress.client(peer: "10.0.0.2", forwardedFor: ["<script>, 10.0.0.4"], trusted: Self.proxies) == "10.0.0.4")
    }
}

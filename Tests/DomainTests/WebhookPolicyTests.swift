import Domain
import Testing

@Suite("Webhook targets and retries")
struct WebhookPolicyTests {
    @Test("http and https URLs with a host are accepted, with their port")
    func accepted() throws {
        let plain = try WebhookPolicy.target("http://hooks.example.com/in?x=1", allowPrivate: false).get()
        #expect(plain == .init(scheme: "http", host: "hooks.example.com", port: 80))
        let tls = try WebhookPolicy.target("HTTPS://Hooks.Example.com:8443/path", allowPrivate: false).get()
        #expect(tls == .init(scheme: "https", host: "hooks.example.com", port: 8443))
        let v6 = try WebhookPolicy.target("https://[2001:db8::1]:9000/", allowPrivate: false).get()
        #expect(v6.host == "2001:db8::1" && v6.port == 9000)
    }

    @Test("malformed URLs are refused", arguments: [
        "ftp://example.com/", "example.com/hook", "https://", "https://user:pw@example.com/", "https://example.com/#frag",
        "https://example.com:0/", "https://example.com:70000/", "https://exa mple.com/", "https://[::1/", "javascript:alert(1)",
        "https://ex%00ample.com/", "https://ex%2eample.com/",
    ])
    func malformed(url: String) {
        guard case .failure(.malformed) = WebhookPolicy.target(url, allowPrivate: true) else {
            Issue.record("\(url) was not refused as malformed")
            return
        }
    }

    @Test("loopback, private, link-local and similar addresses are refused unless allowed", arguments: [
        "http://localhost/", "http://api.localhost/", "http://127.0.0.1:8080/", "http://10.1.2.3/", "http://172.16.0.1/",
        "http://172.31.255.255/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/",
        "http://0.0.0.0/", "http://[::1]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/",
        // The other ways the resolver reads an IPv4 address.
        "http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://0177.0.0.1/", "http://0x7f.1/", "http://10.0x10203/",
        "http://0/",
    ])
    func privateTargets(url: String) {
        guard case .failure(.privateAddress) = WebhookPolicy.target(url, allowPrivate: false) else {
            Issue.record("\(url) was not refused as private")
            return
        }
        #expect((try? WebhookPolicy.target(url, allowPrivate: true).get()) != nil)
    }

    @Test("public addresses are not private", arguments: [
        "8.8.8.8", "172.32.0.1", "192.169.0.1", "2001:db8::1", "example.com", "100.128.0.1", "134744072", "0x08080808", "1e100.net",
        "256.1.1.1", "1.2.3.4.5",
    ])
    func publicHosts(host: String) {
        #expect(!WebhookPolicy.isPrivate(host: host))
    }

    @Test("the wait doubles per attempt up to the cap, and jitter takes away at most half")
    func backoff() {
        let base = Duration.seconds(30), cap = Duration.seconds(3600)
        #expect(RetryPolicy.backoff(afterAttempt: 1, base: base, cap: cap, jitter: 0) == .seconds(30))
        #expect(RetryPolicy.backoff(afterAttempt: 2, base: base, cap: cap, jitter: 0) == .seconds(60))
        #expect(RetryPolicy.backoff(afterAttempt: 4, base: base, cap: cap, jitter: 0) == .seconds(240))
        #expect(RetryPolicy.backoff(afterAttempt: 9, base: base, cap: cap, jitter: 0) == .seconds(3600))
        #expect(RetryPolicy.backoff(afterAttempt: 60, base: base, cap: cap, jitter: 0) == .seconds(3600))
        #expect(RetryPolicy.backoff(afterAttempt: 2, base: base, cap: cap, jitter: 1) == .seconds(30))
        for jitter in stride(from: 0.0, through: 1.0, by: 0.1) {
            let wait = RetryPolicy.backoff(afterAttempt: 3, base: base, cap: cap, jitter: jitter)
            #expect(wait >= .seconds(60) && wait <= .seconds(120))
        }
        #expect(!RetryPolicy.isDead(afterAttempts: 2, maximum: 3))
        #expect(RetryPolicy.isDead(afterAttempts: 3, maximum: 3))
    }
}

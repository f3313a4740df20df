/// When a delivery that failed is tried again (webhooks, e-mail), free of I/O.
public enum RetryPolicy {
    /// The wait before attempt `attempt + 1` after `attempt` failed: `base × 2^(attempt−1)`,
    /// at most `cap`, of which a random part (`jitter` in 0...1) is taken away so that many
    /// failing deliveries do not retry in step. Equal jitter: the wait is at least half the step.
    public static func backoff(afterAttempt attempt: Int, base: Duration, cap: Duration, jitter: Double) -> Duration {
        let exponent = max(0, min(attempt - 1, 30))
        let step = min(base * (1 << exponent), cap)
        let random = min(max(jitter, 0), 1)
        return step * (1 - random / 2)
    }

    /// Whether a delivery that failed its `attempts`-th attempt is given up (dead).
    public static func isDead(afterAttempts attempts: Int, maximum: Int) -> Bool { attempts >= maximum }
}

import Contracts
import Domain
import Foundation
import Logging
import Synchronization
import Tokens

/// The signing key in force and the public keys to publish, reloaded from PostgreSQL every
/// minute so that `tenantdesk-admin signing-keys rotate` and `retire` take effect without a
/// restart.
///
/// A new key is published at once but signs only once it is `grace` old, so every gateway can
/// fetch it before it meets a token signed with it.
final class CurrentSigner: Sendable {
    private struct State {
        var signer: TokenSigner
        var publicKeys: [PublicSigningKey]
    }

    private let state: Mutex<State>
    private let lifetime: Duration
    private let grace: Duration

    init(keys: [(key: SigningKey, createdAt: Date)], lifetime: Duration, grace: Duration) async throws {
        guard let signing = Self.signingKey(keys, grace: grace) else { throw SetupError("no signing key") }
        self.lifetime = lifetime
        self.grace = grace
        state = Mutex(State(signer: await TokenSigner(key: signing, lifetime: lifetime), publicKeys: keys.map(\.key.publicKey)))
    }

    /// The newest key older than `grace`; the newest one when none is (the very first key).
    static func signingKey(_ keys: [(key: SigningKey, createdAt: Date)], grace: Duration, now: Date = Date()) -> SigningKey? {
        let cutoff = now.addingTimeInterval(-Double(grace.components.seconds) - Double(grace.components.attoseconds) / 1e18)
        return keys.first(where: { $0.createdAt <= cutoff })?.key ?? keys.first?.key
    }

    var signer: TokenSigner { state.withLock { $0.signer } }
    var publicKeys: [PublicSigningKey] { state.withLock { $0.publicKeys } }

    /// Installs `keys` (newest first); returns whether the signing key changed. Nothing is
    /// rebuilt when the keys and the signing key are the ones in force.
    func install(_ keys: [(key: SigningKey, createdAt: Date)]) async -> Bool {
        guard let signing = Self.signingKey(keys, grace: grace) else { return false }
        let unchanged = state.withLock { state in
            state.signer.kid == signing.kid && state.publicKeys.map(\.kid) == keys.map(\.key.kid)
        }
        if unchanged { return false }
        let signer = await TokenSigner(key: signing, lifetime: lifetime)
        return state.withLock { state in
            let changed = state.signer.kid != signing.kid
            state.signer = signer
            state.publicKeys = keys.map(\.key.publicKey)
            return changed
        }
    }

    /// The public keys as PostgreSQL has them now (installed on the way), for a gateway's fetch:
    /// a key just retired is gone at once, whatever the reload interval. The cached keys when
    /// PostgreSQL cannot be read.
    func currentPublicKeys(_ repository: SigningKeyRepository, logger: Logger) async -> [PublicSigningKey] {
        do {
            _ = await install(try await repository.activeKeysWithCreation())
        } catch {
            logger.warning("cannot reload signing keys; serving the cached ones", metadata: ["error": "\(String(reflecting: error))"])
        }
        return publicKeys
    }

    /// Reloads every `interval` until cancelled.
    func reloadLoop(_ repository: SigningKeyRepository, interval: Duration, logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                if await install(try await repository.activeKeysWithCreation()) {
                    logger.info("signing with a new key", metadata: ["kid": "\(signer.kid)"])
                }
            } catch {
                logger.warning("cannot reload signing keys", metadata: ["error": "\(error)"])
            }
        }
    }
}

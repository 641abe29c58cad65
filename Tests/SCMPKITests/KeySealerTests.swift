import Foundation
import SCMPKI
import Testing

@Suite struct KeySealerTests {
    @Test func sealsAndOpens() throws {
        let sealer = try KeySealer(masterKey: SecureRandom.bytes(32))
        for plaintext in [[], [0x42], Array(try TestPKI.get().rsaLeafKey.pem.utf8), SecureRandom.bytes(100_000)] as [[UInt8]] {
            let sealed = try sealer.seal(plaintext)
            #expect(sealed.count == 1 + 12 + plaintext.count + 16)
            #expect(sealed[0] == 1)
            #expect(try sealer.open(sealed) == plaintext)
        }
        let text = Array("the same text".utf8)
        #expect(try sealer.seal(text) != sealer.seal(text), "a fresh nonce each time")
    }

    @Test func detectsTampering() throws {
        let sealer = try KeySealer(masterKey: SecureRandom.bytes(32))
        let sealed = try sealer.seal(Array("-----BEGIN PRIVATE KEY-----".utf8))
        // The version byte, a nonce byte, a ciphertext byte, a tag byte.
        for index in [0, 5, 13 + 3, sealed.count - 1] {
            var damaged = sealed
            damaged[index] ^= 0x80
            let error = #expect(throws: PKIError.self) { try sealer.open(damaged) }
            #expect(error?.kind == .authenticationFailed, "byte \(index)")
        }
        for truncated in [Array(sealed.dropLast()), Array(sealed.prefix(20)), []] {
            let error = #expect(throws: PKIError.self) { try sealer.open(truncated) }
            #expect(error?.kind == .authenticationFailed)
        }
    }

    @Test func refusesAnotherMasterKey() throws {
        let sealed = try KeySealer(masterKey: SecureRandom.bytes(32)).seal([1, 2, 3])
        let error = #expect(throws: PKIError.self) { try KeySealer(masterKey: SecureRandom.bytes(32)).open(sealed) }
        #expect(error?.kind == .authenticationFailed)
        #expect(error?.message.contains("another master key") == true)
        for size in [0, 16, 31, 33, 64] {
            let wrongSize = #expect(throws: PKIError.self) { try KeySealer(masterKey: [UInt8](repeating: 7, count: size)) }
            #expect(wrongSize?.kind == .invalidInput)
        }
    }

    @Test func masterKeyFileIsCreatedOnceWithMode0600() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("var/keys/master.key")
        let key = try KeySealer.loadOrCreateMasterKey(at: path)
        #expect(key.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((attributes[.size] as? NSNumber)?.intValue == 32)
        let folder = try FileManager.default.attributesOfItem(atPath: directory.path("var/keys"))
        #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(try KeySealer.loadOrCreateMasterKey(at: path) == key)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path("var/keys")) == ["master.key"])

        // A sealed key survives a "restart".
        let sealed = try KeySealer(masterKey: key).seal([9, 8, 7])
        #expect(try KeySealer(masterKey: KeySealer.loadOrCreateMasterKey(at: path)).open(sealed) == [9, 8, 7])
    }

    @Test func masterKeyCreationRacesToOneKey() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("keys/master.key")
        let keys = await withTaskGroup(of: [UInt8]?.self) { group in
            for _ in 0..<8 { group.addTask { try? KeySealer.loadOrCreateMasterKey(at: path) } }
            return await group.reduce(into: [[UInt8]?]()) { $0.append($1) }
        }
        #expect(keys.count == 8)
        #expect(Set(keys.map { $0 ?? [] }).count == 1)
        #expect(keys.first??.count == 32)
    }

    @Test func refusesAMasterKeyFileOfTheWrongSize() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("master.key", bytes: [UInt8](repeating: 1, count: 16))
        let error = #expect(throws: PKIError.self) { try KeySealer.loadOrCreateMasterKey(at: path) }
        #expect(error?.kind == .io)
        #expect(error?.message.contains("16 bytes") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 16, "never overwritten")
    }
}

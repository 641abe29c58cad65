import Foundation
import SCMPKI
import Testing

@Suite struct PasswordHasherTests {
    @Test func verifiesTheRightPasswordOnly() throws {
        let encoded = try PasswordHasher.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("scrypt$14$8$1$"))
        #expect(encoded.split(separator: "$").count == 6)
        #expect(PasswordHasher.verify("correct horse battery staple", against: encoded))
        #expect(!PasswordHasher.verify("correct horse battery stapl", against: encoded))
        #expect(!PasswordHasher.verify("", against: encoded))
        #expect(try PasswordHasher.hash("same") != PasswordHasher.hash("same"), "a fresh salt each time")

        let unicode = try PasswordHasher.hash("pässwörd-密码")
        #expect(PasswordHasher.verify("pässwörd-密码", against: unicode))
        let empty = try PasswordHasher.hash("")
        #expect(PasswordHasher.verify("", against: empty))
        #expect(!PasswordHasher.verify("x", against: empty))
    }

    @Test func refusesMalformedEncodings() throws {
        let encoded = try PasswordHasher.hash("secret")
        let parts = encoded.split(separator: "$").map(String.init)
        for bad in [
            "", "secret", "scrypt$14$8$1$", parts.dropLast().joined(separator: "$"),
            (["bcrypt"] + parts.dropFirst()).joined(separator: "$"),
            ([parts[0], "30"] + parts.dropFirst(2)).joined(separator: "$"),  // 2^30: refused, not computed
            ([parts[0], "20", "32"] + parts.dropFirst(3)).joined(separator: "$"),  // 4 GiB of memory: refused
            (parts.dropLast() + ["not base64!"]).joined(separator: "$"),
        ] {
            #expect(!PasswordHasher.verify("secret", against: bad), "\(bad)")
        }
    }

    @Test func agreesWithOpenSSLKDF() throws {
        let encoded = try PasswordHasher.hash("hunter2")
        let parts = encoded.split(separator: "$").map(String.init)
        let salt = try #require(Data(base64Encoded: parts[4]))
        let hash = try #require(Data(base64Encoded: parts[5]))
        let directory = try TemporaryDirectory()
        let output = try OpenSSLCLI.ok(
            [
                "kdf", "-keylen", "32", "-kdfopt", "pass:hunter2",
                "-kdfopt", "hexsalt:\(salt.map { String(format: "%02x", $0) }.joined())",
                "-kdfopt", "n:16384", "-kdfopt", "r:8", "-kdfopt", "p:1", "SCRYPT",
            ], in: directory)
        let expected = hash.map { String(format: "%02X", $0) }.joined(separator: ":")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }
}

@Suite struct DigestAndRandomTests {
    @Test func knownVectors() {
        #expect(Digest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // RFC 4231, test case 2.
        #expect(
            Digest.hmacSHA256Hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            Digest.hmacSHA256Hex(key: [], message: [])
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        #expect(Digest.hmacSHA256(key: [1], message: [2]).count == 32)
    }

    @Test func constantTimeEquality() {
        #expect(Digest.constantTimeEquals([], []))
        #expect(Digest.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Digest.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEquals([1, 2, 3], [1, 2]))
    }

    @Test func randomness() {
        #expect(SecureRandom.bytes(0) == [])
        #expect(SecureRandom.bytes(48).count == 48)
        #expect(SecureRandom.bytes(16) != SecureRandom.bytes(16))
        let hex = SecureRandom.hex(3)
        #expect(hex.count == 6)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
        let token = SecureRandom.token()
        #expect(token.count == 43)
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(SecureRandom.token() != token)
    }
}

import Foundation
import SCMCore
import SCMStore

/// The DNS and web-root simulators' operations (RULES.md §5), with their own rules:
/// one record set per name and type, TTL default 300 s, TXT values quoted, and a `_dnsauth`
/// value that still proves a certificate in review cannot be deleted nor modified away.
public struct SimulatorService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    // MARK: DNS zones

    public func createZone(name: String, by principal: Principal) throws -> DNSZone {
        let normalized = try DomainName.normalize(name.trimmingCharacters(in: CharacterSet(charactersIn: ". ")), field: "zone")
        let now = context.clock.now
        return try context.database.write { store in
            if try store.reader.dnsZones().contains(where: { $0.name == normalized }) {
                throw Refusal(.conflict, "The zone \(normalized) is already hosted here.")
            }
            let zone = try store.insertZone(name: normalized, at: now)
            try store.append(Event(at: now, actor: principal.name, action: "dns:zone-create", target: normalized, remoteAddress: principal.remoteAddress))
            return zone
        }
    }

    public func deleteZone(id: Int64, by principal: Principal) throws {
        let now = context.clock.now
        try context.database.write { store in
            guard let zone = try store.reader.dnsZone(id: id) else { throw Refusal(.notFound, "There is no such zone.") }
            for set in try store.reader.dnsRecordSets(zoneID: id) { try refuseRemovingProof(from: set, keeping: [], store: store.reader) }
            try store.deleteZone(id: id)
            try store.append(Event(at: now, actor: principal.name, action: "dns:zone-delete", target: zone.name, remoteAddress: principal.remoteAddress))
        }
    }

    // MARK: Record sets

    /// Adds a record set. `name` may be relative to the zone (`_dnsauth`, `@`) or a full name.
    public func addRecordSet(
        zoneID: Int64, name: String, type: String, ttl: String, values: String, by principal: Principal
    ) throws -> DNSRecordSet {
        let now = context.clock.now
        return try context.database.write { store in
            guard let zone = try store.reader.dnsZone(id: zoneID) else { throw Refusal(.notFound, "There is no such zone.") }
            let (recordType, seconds, parsed) = try Self.parse(type: type, ttl: ttl, values: values)
            let fullName = try Self.fullName(name, zone: zone)
            if try store.reader.dnsRecordSet(name: fullName, type: recordType) != nil {
                throw Refusal(
                    .conflict,
                    "A \(recordType.rawValue) record set for \(fullName) already exists: there is one set per name and type. Use Modify to add values to it.")
            }
            let set = try store.save(DNSRecordSet(zoneID: zone.id, name: fullName, type: recordType, ttl: seconds, values: parsed, savedAt: now))
            try store.append(
                Event(at: now, actor: principal.name, action: "dns:record-add", target: "\(fullName) \(recordType.rawValue)",
                      detail: parsed.joined(separator: " "), remoteAddress: principal.remoteAddress))
            return set
        }
    }

    public func modifyRecordSet(id: Int64, ttl: String, values: String, by principal: Principal) throws -> DNSRecordSet {
        let now = context.clock.now
        return try context.database.write { store in
            guard var set = try store.reader.dnsRecordSet(id: id) else { throw Refusal(.notFound, "There is no such record set.") }
            let (_, seconds, parsed) = try Self.parse(type: set.type.rawValue, ttl: ttl, values: values)
            try refuseRemovingProof(from: set, keeping: parsed, store: store.reader)
            set.ttl = seconds
            set.values = parsed
            set.savedAt = now
            try store.save(set)
            try store.append(
                Event(at: now, actor: principal.name, action: "dns:record-modify", target: "\(set.name) \(set.type.rawValue)",
                      detail: parsed.joined(separator: " "), remoteAddress: principal.remoteAddress))
            return set
        }
    }

    public func deleteRecordSet(id: Int64, by principal: Principal) throws {
        let now = context.clock.now
        try context.database.write { store in
            guard let set = try store.reader.dnsRecordSet(id: id) else { throw Refusal(.notFound, "There is no such record set.") }
            try refuseRemovingProof(from: set, keeping: [], store: store.reader)
            try store.deleteRecordSet(id: id)
            try store.append(
                Event(at: now, actor: principal.name, action: "dns:record-delete", target: "\(set.name) \(set.type.rawValue)",
                      remoteAddress: principal.remoteAddress))
        }
    }

    /// A `_dnsauth` record may be deleted only after its certificate is issued or revoked (RULES.md
    /// §5): a Delete (nothing kept) or a Modify that drops a value still proving a certificate in
    /// review is refused. Other values of the set, and other records, may change freely.
    func refuseRemovingProof(from set: DNSRecordSet, keeping kept: [String], store: StoreReader) throws {
        guard set.name.hasPrefix("_dnsauth."), set.type == .txt || set.type == .cname else { return }
        // Compared as the CA reads them (`DNSRecordSet.proofValue`).
        let keptProofs = Set(kept.map { DNSRecordSet.proofValue($0, type: set.type) })
        let removed = set.values.filter { !keptProofs.contains(DNSRecordSet.proofValue($0, type: set.type)) }
        guard !removed.isEmpty else { return }
        for certificate in try store.certificatesInReview() {
            let proves = try store.validations(certificateID: certificate.id).contains { validation in
                validation.method == .dns && validation.dnsHost(domainType: certificate.domainType) == set.name
                    && removed.contains { validation.isProven(byDNSValue: $0, type: set.type) }
            }
            if proves {
                throw Refusal(
                    .wrongStatus,
                    "\(set.name) proves domain ownership for certificate \(certificate.name) (\(certificate.id)), which is \"\(certificate.statusLabel)\". Keep its value; delete it after the certificate is issued or revoked.")
            }
        }
    }

    static func fullName(_ name: String, zone: DNSZone) throws -> String {
        let trimmed = name.trimmingCharacters(in: CharacterSet(charactersIn: " .")).lowercased()
        if trimmed.isEmpty || trimmed == "@" { return zone.name }
        let full = trimmed == zone.name || trimmed.hasSuffix("." + zone.name) ? trimmed : trimmed + "." + zone.name
        let labels = full.split(separator: ".", omittingEmptySubsequences: false)
        guard full.count <= 253,
            labels.allSatisfy({ (1...63).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "*") } })
        else {
            throw Refusal.invalid("name", "Name: \"\(name.prefix(80))\" is not a valid DNS name (labels of 1–63 letters, digits, '-' or '_').")
        }
        return full
    }

    /// Checks the values of one record set by type; TXT values are quoted if they were not.
    static func parse(type: String, ttl: String, values: String) throws -> (DNSRecordSet.RecordType, Int, [String]) {
        guard let recordType = DNSRecordSet.RecordType(rawValue: type.uppercased()) else {
            throw Refusal.invalid("type", "Type: choose A, AAAA, CNAME, TXT or CAA.")
        }
        let seconds = ttl.trimmingCharacters(in: .whitespaces).isEmpty ? 300 : Int(ttl.trimmingCharacters(in: .whitespaces)) ?? -1
        guard (1...2_147_483_647).contains(seconds) else {
            throw Refusal.invalid("ttl", "TTL: a whole number of seconds from 1 (default 300).")
        }
        let lines = values.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw Refusal.invalid("values", "Value: enter at least one value, one per line.") }
        guard lines.count <= 50 else { throw Refusal.invalid("values", "Value: at most 50 values per record set.") }
        var parsed: [String] = []
        for line in lines {
            switch recordType {
            case .a:
                guard DomainName.isIPv4(line) else { throw Refusal.invalid("values", "Value: \(line.prefix(60)) is not an IPv4 address.") }
                parsed.append(line)
            case .aaaa:
                var address = in6_addr()
                guard inet_pton(AF_INET6, line, &address) == 1 else {
                    throw Refusal.invalid("values", "Value: \(line.prefix(60)) is not an IPv6 address.")
                }
                parsed.append(line.lowercased())
            case .cname:
                guard lines.count == 1 else { throw Refusal.invalid("values", "Value: a CNAME record set holds exactly one name.") }
                parsed.append(try DomainName.normalize(line.trimmingCharacters(in: CharacterSet(charactersIn: ".")), field: "values"))
            case .txt:
                guard line.count <= 255 + 2 else { throw Refusal.invalid("values", "Value: a TXT string is at most 255 characters.") }
                parsed.append(line.hasPrefix("\"") && line.hasSuffix("\"") && line.count >= 2 ? line : "\"\(line)\"")
            case .caa:
                let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
                guard parts.count == 3, let flags = Int(parts[0]), (0...255).contains(flags),
                    ["issue", "issuewild", "iodef"].contains(parts[1].lowercased())
                else {
                    throw Refusal.invalid("values", "Value: a CAA value looks like 0 issue \"digicert.com\" (flags, tag issue/issuewild/iodef, value).")
                }
                let value = parts[2].hasPrefix("\"") ? parts[2] : "\"\(parts[2])\""
                parsed.append("\(flags) \(parts[1].lowercased()) \(value)")
            }
        }
        return (recordType, seconds, parsed)
    }

    // MARK: Web roots

    public func putWebrootFile(domain: String, path: String, content: String, by principal: Principal) throws {
        let host = try DomainName.normalize(domain)
        guard path.hasPrefix("/"), !path.contains(".."), path.count <= 255 else {
            throw Refusal.invalid("path", "Path: an absolute path such as \(DomainValidation.filePath).")
        }
        guard content.utf8.count <= 4096 else { throw Refusal.invalid("content", "Content: at most 4 KB.") }
        let now = context.clock.now
        try context.database.write { store in
            try store.saveWebrootFile(domain: host, path: path, content: content, at: now)
            try store.append(Event(at: now, actor: principal.name, action: "webroot:put", target: host + path, remoteAddress: principal.remoteAddress))
        }
    }

    public func deleteWebrootFile(domain: String, path: String, by principal: Principal) throws {
        let now = context.clock.now
        try context.database.write { store in
            try store.deleteWebrootFile(domain: domain, path: path)
            try store.append(Event(at: now, actor: principal.name, action: "webroot:delete", target: domain + path, remoteAddress: principal.remoteAddress))
        }
    }
}

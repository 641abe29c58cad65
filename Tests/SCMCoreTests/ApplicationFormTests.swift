import Foundation
import Testing

@testable import SCMCore

/// A complete, valid OV application for `www.example.com`.
func goodForm(domain: String = "www.example.com", sans: String = "") -> ApplicationForm {
    ApplicationForm(
        primaryDomain: domain, additionalDomains: sans, companyName: "Example Co., Ltd.", companyUnit: "IT",
        country: "cn", province: "Guangdong", city: "Shenzhen", applicantName: "Li Lei",
        applicantPhone: "+86 138-0000-0000", applicantEmail: "li.lei@Example.COM", agreed: true)
}

/// A PAID certificate to apply for.
func toApply(
    _ type: CertificateType = .ov, _ domainType: DomainType = .single, quota: Int = 5,
    primary: MultiDomainPrimary = .single
) -> Certificate {
    var c = certificate(.paid, type: type, domainType: domainType, quota: domainType == .multiple ? quota : 1)
    c.domain = ""
    c.sans = []
    if domainType == .multiple { c.multiDomainPrimary = primary }
    return c
}

private func errors(_ form: ApplicationForm, _ c: Certificate, original: String? = nil) -> RefusalList? {
    refusals { () throws(RefusalList) in try validate(form, for: c, originalCompanyName: original) }
}

private func valid(_ form: ApplicationForm, _ c: Certificate) throws -> ValidatedApplication {
    do throws(RefusalList) {
        return try validate(form, for: c)
    } catch {
        Issue.record("unexpected refusals: \(error)")
        throw error
    }
}

@Suite("RULES.md §4: the application form")
struct ApplicationFormTests {
    // MARK: Collecting every error

    @Test func anEmptyOVFormReportsEveryRequiredField() throws {
        let list = try #require(errors(ApplicationForm(), toApply(.ov)))
        #expect(
            list.fields == [
                "domain", "company_name", "country", "company_province", "company_city", "applicant_name",
                "applicant_phone", "applicant_email", "agree",
            ])
        for refusal in list.refusals {
            let field = try #require(refusal.field)
            #expect(refusal.message.hasPrefix(ApplicationField.label(for: field) + ": "), "\(refusal.message)")
            #expect(refusal.message.hasSuffix("."), "\(refusal.message)")
        }
        #expect(list.refusals(for: "agree").first?.message.contains("privacy statement") == true)
    }

    @Test func anEmptyDVFormDoesNotAskForTheOrganization() throws {
        let list = try #require(errors(ApplicationForm(), toApply(.dv)))
        #expect(list.fields == ["domain", "applicant_name", "applicant_phone", "applicant_email", "agree"])
    }

    @Test func manyBadFieldsAtOnce() throws {
        var form = goodForm(sans: "a..example.com")
        form.country = "China"
        form.applicantEmail = "nobody"
        form.validationMethod = "FTP"
        form.agreed = false
        let list = try #require(errors(form, toApply(.ov, .multiple)))
        #expect(list.fields == ["sans", "domain_method", "country", "applicant_email", "agree"])
        #expect(
            list.refusals(for: "sans").map(\.message) == [
                "Additional domains: 'a..example.com' has an empty label; each label must be 1–63 letters, digits or hyphens."
            ])
        #expect(
            list.refusals(for: "country").first?.message
                == "Country/Region: 'China' is not an ISO 3166-1 alpha-2 country code; enter two letters, such as 'CN' or 'US'."
        )
        #expect(list.refusals.allSatisfy { $0.code == .invalidInput })
    }

    /// Two letters are not enough: the code goes into the certificate's subject (C=). A DV
    /// application needs no country, but one sent anyway must be a country too.
    @Test func theCountryIsAnAssignedISOCode() throws {
        var form = goodForm()
        form.country = "XX"
        #expect(errors(form, toApply(.ov))?.fields == ["country"])
        form.country = " us "
        #expect(try valid(form, toApply(.ov)).country == "US")
        for country in ["CHINA", "XX"] {
            form.country = country
            #expect(errors(form, toApply(.dv))?.fields == ["country"])
        }
        form.country = ""
        #expect(errors(form, toApply(.dv)) == nil)
        #expect(
            CountryCode.assigned.count == 249 && CountryCode.normalized("gb") == "GB"
                && CountryCode.normalized("UK") == nil)
    }

    // MARK: The cleaned result

    @Test func aGoodOVApplicationIsCleaned() throws {
        var form = goodForm(domain: "  WWW.Bücher.Example ")
        form.contactName = "Han Meimei"
        form.contactPhone = "(0755) 1234 5678"
        form.contactEmail = "ops@bücher.example"
        form.rootHashAlgorithm = "sha-256"
        form.keyAlgorithm = "EC_P256"
        let app = try valid(form, toApply(.ov))
        #expect(app.domain == "www.xn--bcher-kva.example")
        #expect(app.sans == [])
        #expect(app.csrSource == .system)
        #expect(app.keyAlgorithm == .ecP256)
        #expect(app.validationMethod == .dns)
        #expect(app.rootHashAlgorithm == .sha256)
        #expect(app.companyName == "Example Co., Ltd.")
        #expect(app.companyUnit == "IT")
        #expect(app.country == "CN")
        #expect(app.province == "Guangdong")
        #expect(app.city == "Shenzhen")
        #expect(app.applicantName == "Li Lei")
        #expect(app.applicantPhone == "+8613800000000")
        #expect(app.applicantEmail == "li.lei@example.com")
        #expect(app.contactName == "Han Meimei")
        #expect(app.contactPhone == "075512345678")
        #expect(app.contactEmail == "ops@xn--bcher-kva.example")
    }

    @Test func aDVApplicationDropsOrganizationFields() throws {
        let app = try valid(goodForm(), toApply(.dv))
        #expect(app.companyName.isEmpty && app.country.isEmpty && app.province.isEmpty && app.city.isEmpty)
        #expect(app.companyUnit.isEmpty)
    }

    // MARK: Single domain

    @Test func singleRefusesAWildcard() throws {
        let list = try #require(errors(goodForm(domain: "*.example.com"), toApply(.ov, .single)))
        #expect(
            list.refusals.map(\.message) == [
                "Domain name: '*.example.com' is a wildcard name, but this is a single-domain certificate; enter one name like 'www.example.com'."
            ])
    }

    @Test func singleRefusesAdditionalDomains() throws {
        let list = try #require(errors(goodForm(sans: "api.example.com"), toApply(.ov, .single)))
        #expect(list.fields == ["sans"])
        #expect(list.refusals[0].message.contains("only multiple-domain certificates take additional domains"))
    }

    @Test(arguments: [CertificateType.ov, .ovPro])
    func singlePublicIPForTheOVFamilyWithFileValidation(type: CertificateType) throws {
        var form = goodForm(domain: "8.8.8.8")
        form.validationMethod = "FILE"
        let app = try valid(form, toApply(type))
        #expect(app.domain == "8.8.8.8")
        #expect(app.validationMethod == .file)
    }

    @Test func anIPCertificateIsVerifiedOnlyByFile() throws {
        let list = try #require(errors(goodForm(domain: "8.8.8.8"), toApply(.ov)))
        #expect(list.fields == ["domain_method"])
        #expect(
            list.refusals[0].message
                == "Domain verification method: a certificate for an IP address can be verified only by File, not by DNS."
        )
    }

    @Test func aPrivateIPIsRefused() throws {
        var form = goodForm(domain: "192.168.1.10")
        form.validationMethod = "FILE"
        let list = try #require(errors(form, toApply(.ov)))
        #expect(
            list.refusals.map(\.message) == [
                "Domain name: '192.168.1.10' is in 192.168.0.0/16 (private); a certificate can name only a public IP address."
            ])
    }

    @Test(arguments: [CertificateType.dvBasic, .dv, .ev, .evPro])
    func ipCertificatesOnlyForTheOVFamily(type: CertificateType) throws {
        var form = goodForm(domain: "8.8.8.8")
        form.validationMethod = "FILE"
        let list = try #require(errors(form, toApply(type)))
        #expect(list.refusals(for: "domain").first?.message.contains("available only for OV and OV Pro") == true)
    }

    // MARK: Wildcard

    @Test func wildcard() throws {
        #expect(try valid(goodForm(domain: "*.Example.com"), toApply(.ov, .wildcard)).domain == "*.example.com")
        #expect(try valid(goodForm(domain: "*.example.com"), toApply(.dv, .wildcard)).domain == "*.example.com")
    }

    @Test(arguments: [
        (
            "example.com",
            "'example.com' is not a wildcard name; a wildcard domain must be '*.' followed by a domain name, like '*.example.com'."
        ),
        (
            "*.*.example.com",
            "'*.*.example.com' may contain '*' only once, as its whole first label, like '*.example.com'."
        ),
        (
            "*example.com",
            "'*example.com' is not a wildcard name; a wildcard domain must be '*.' followed by a domain name, like '*.example.com'."
        ),
        ("*.com", "'*.com' is not a fully qualified domain name; it needs at least two labels, like 'example.com'."),
        (
            "",
            "enter the wildcard domain; a wildcard domain must be '*.' followed by a domain name, like '*.example.com'."
        ),
    ])
    func wildcardRefusals(domain: String, message: String) throws {
        let list = try #require(errors(goodForm(domain: domain), toApply(.ov, .wildcard)))
        #expect(list.refusals.map(\.message) == ["Domain name: " + message])
    }

    @Test(arguments: [CertificateType.ev, .evPro])
    func evCannotBeWildcard(type: CertificateType) throws {
        let list = try #require(errors(goodForm(domain: "*.example.com"), toApply(type, .wildcard)))
        #expect(list.refusals(for: "domain").first?.message.contains("cannot be wildcard") == true)
    }

    // MARK: Multiple domains

    @Test func multiple() throws {
        let app = try valid(
            goodForm(domain: "www.example.com", sans: "api.example.com\r\n\n  shop.example.com  \nbücher.example"),
            toApply(.ov, .multiple, quota: 4))
        #expect(app.domain == "www.example.com")
        #expect(app.sans == ["api.example.com", "shop.example.com", "xn--bcher-kva.example"])
        #expect(app.allDomains.count == 4)
    }

    @Test func theCertificateTakesTheApplicationsChoicesAndTheKeyOfTheCSRUsed() throws {
        var form = goodForm(domain: "www.example.com", sans: "shop.example.com")
        form.validationMethod = ValidationMethod.email.rawValue
        form.rootHashAlgorithm = RootHashAlgorithm.sha256.rawValue
        var c = toApply(.ov, .multiple)
        let app = try valid(form, c)
        c.update(from: app, keyAlgorithm: .ecP384)
        #expect(c.domain == "www.example.com" && c.sans == ["shop.example.com"])
        #expect(c.validationMethod == .email && c.rootHashAlgorithm == .sha256)
        #expect(c.csrSource == .system && c.csrID == nil)
        // The key of the CSR used, not the form's default (RSA 2048).
        #expect(c.keyAlgorithm == .ecP384)
    }

    @Test func multipleTakesTheAPISemicolonListToo() throws {
        let app = try valid(goodForm(sans: "a.example.com;b.example.com"), toApply(.ov, .multiple))
        #expect(app.sans == ["a.example.com", "b.example.com"])
    }

    @Test func multipleNeedsAnAdditionalDomain() throws {
        let list = try #require(errors(goodForm(sans: " \n "), toApply(.ov, .multiple)))
        #expect(
            list.refusals.map(\.message) == [
                "Additional domains: a multiple-domain certificate needs at least one additional domain, one per line."
            ])
    }

    @Test(arguments: [2, 3, 4])
    func multipleAtMostTheQuota(count: Int) throws {
        // primary + `count` additional against a quota of 4
        let sans = (1...count).map { "s\($0).example.com" }.joined(separator: "\n")
        let list = errors(goodForm(sans: sans), toApply(.ov, .multiple, quota: 4))
        if count + 1 <= 4 {
            #expect(list == nil)
        } else {
            #expect(
                list?.refusals.map(\.message) == [
                    "Additional domains: this certificate was bought for 4 domain names, but the primary domain and 4 additional domains make 5; remove 1."
                ])
        }
    }

    @Test func noNameTwice() throws {
        let sans =
            "API.example.com\napi.example.com\nWWW.example.com\nxn--bcher-kva.example\nbücher.example\napi.example.com"
        let list = try #require(
            errors(goodForm(domain: "www.example.com", sans: sans), toApply(.ov, .multiple, quota: 10)))
        #expect(
            list.refusals.map(\.message) == [
                "Additional domains: 'api.example.com' appears more than once; each domain name may appear only once in an application.",
                "Additional domains: 'www.example.com' is already the primary domain; each domain name may appear only once in an application.",
                "Additional domains: 'xn--bcher-kva.example' appears more than once; each domain name may appear only once in an application.",
            ])
    }

    @Test(arguments: [CertificateType.ov, .ovPro])
    func wildcardEntriesForOVAndOVPro(type: CertificateType) throws {
        let app = try valid(goodForm(sans: "*.example.com\n*.example.org"), toApply(type, .multiple))
        #expect(app.sans == ["*.example.com", "*.example.org"])
    }

    @Test(arguments: [CertificateType.dvBasic, .dv, .ev, .evPro])
    func noWildcardEntriesForOtherTypes(type: CertificateType) throws {
        let list = try #require(errors(goodForm(sans: "*.example.com"), toApply(type, .multiple)))
        #expect(
            list.refusals(for: "sans").map(\.message) == [
                "Additional domains: '*.example.com' is a wildcard name; wildcard entries in a multiple-domain certificate are allowed only for OV and OV Pro, not \(type.displayName)."
            ])
    }

    @Test func primaryWildcard() throws {
        let app = try valid(
            goodForm(domain: "*.example.com", sans: "example.com"), toApply(.ov, .multiple, primary: .wildcard))
        #expect(app.domain == "*.example.com")
        let list = try #require(
            errors(
                goodForm(domain: "www.example.com", sans: "a.example.com"), toApply(.ov, .multiple, primary: .wildcard))
        )
        #expect(list.fields == ["domain"])
        let ev = try #require(
            errors(
                goodForm(domain: "*.example.com", sans: "a.example.com"), toApply(.ev, .multiple, primary: .wildcard)))
        #expect(ev.refusals(for: "domain").first?.message.contains("EV certificates cannot be wildcard") == true)
        let dv = try #require(
            errors(
                goodForm(domain: "*.example.com", sans: "a.example.com"), toApply(.dv, .multiple, primary: .wildcard)))
        #expect(
            dv.refusals.map(\.message) == [
                "Domain name: a wildcard primary domain in a multiple-domain certificate is available only for OV and OV Pro, not DV; '*.example.com' cannot be used."
            ])
        #expect(
            errors(
                goodForm(domain: "*.example.com", sans: "a.example.com"), toApply(.ovPro, .multiple, primary: .wildcard)
            ) == nil)
    }

    @Test func primarySingleOfAMultipleCertificateRefusesAWildcard() throws {
        let list = try #require(
            errors(goodForm(domain: "*.example.com", sans: "a.example.com"), toApply(.ov, .multiple)))
        #expect(list.refusals[0].message.contains("this certificate's primary domain is a single domain"))
    }

    @Test func publicIPEntriesInAnOVMultipleDomainCertificate() throws {
        var form = goodForm(sans: "8.8.8.8\napi.example.com")
        form.validationMethod = "FILE"
        #expect(try valid(form, toApply(.ov, .multiple)).sans == ["8.8.8.8", "api.example.com"])
        form.additionalDomains = "10.0.0.1"
        #expect(errors(form, toApply(.ov, .multiple))?.refusals.first?.message.contains("10.0.0.0/8 (private)") == true)
        form.additionalDomains = "8.8.8.8"
        let dv = try #require(errors(form, toApply(.dv, .multiple)))
        #expect(dv.refusals(for: "sans").first?.message.contains("available only for OV and OV Pro, not DV") == true)
    }

    @Test func everyBadLineIsReported() throws {
        let list = try #require(
            errors(goodForm(sans: "a..example.com\nok.example.com\n-x.example.com\nlocalhost"), toApply(.ov, .multiple))
        )
        #expect(list.refusals(for: "sans").count == 3)
    }

    // MARK: Special TLDs for DV

    @Test(arguments: [
        ("mit.edu", "edu"), ("www.nasa.gov", "gov"), ("www.tsinghua.edu.cn", "edu.cn"),
    ])
    func dvRefusesSpecialTLDs(domain: String, tld: String) throws {
        for type in [CertificateType.dvBasic, .dv] {
            let list = try #require(errors(goodForm(domain: domain), toApply(type)))
            #expect(list.refusals.map(\.code) == [.dvSpecialTLD])
            #expect(
                list.refusals.first?.message
                    == "Domain name: '\(domain)' is under the special top-level domain .\(tld); DV certificates cannot be issued for .edu, .gov or .edu.cn, so choose an OV or EV certificate."
            )
            #expect(list.refusals.first?.field == "domain")
        }
        #expect(errors(goodForm(domain: domain), toApply(.ov)) == nil)
    }

    @Test func dvRefusesSpecialTLDsInAdditionalDomains() throws {
        let list = try #require(errors(goodForm(sans: "cs.mit.edu"), toApply(.dv, .multiple)))
        #expect(list.refusals.map(\.code) == [.dvSpecialTLD])
        #expect(list.refusals.first?.field == "sans")
    }

    // MARK: Verification method, root hash, CSR

    @Test func verificationMethodsByType() throws {
        for type in CertificateType.allCases {
            for method in ValidationMethod.allCases {
                var form = goodForm()
                form.validationMethod = method.rawValue
                let list = errors(form, toApply(type))
                #expect((list == nil) == type.allowedValidationMethods.contains(method), "\(type) \(method)")
                if let list {
                    #expect(
                        list.refusals.map(\.message) == [
                            "Domain verification method: \(method.displayName) verification is available only for OV and EV certificates; a \(type.displayName) certificate can use DNS."
                        ])
                }
            }
        }
    }

    @Test func unknownChoices() throws {
        var form = goodForm()
        form.validationMethod = "FTP"
        form.rootHashAlgorithm = "MD5"
        form.keyAlgorithm = "DSA"
        form.csrMode = "magic"
        let list = try #require(errors(form, toApply(.ov)))
        #expect(list.fields == ["csr_mode", "domain_method", "ca_hash_algorithm"])
        #expect(
            list.refusals(for: "domain_method").first?.message
                == "Domain verification method: 'FTP' is not an option; choose one of DNS, File, E-mail.")
        form.csrMode = "system"
        let again = try #require(errors(form, toApply(.ov)))
        #expect(
            again.refusals(for: "key_algorithm").first?.message
                == "Key algorithm: 'DSA' is not an option; choose one of RSA 2048, RSA 3072, RSA 4096, EC P-256, EC P-384."
        )
    }

    @Test func sha256RootHashOnlyForOVAndEV() throws {
        for type in CertificateType.allCases {
            var form = goodForm()
            form.rootHashAlgorithm = "SHA-256"
            let list = errors(form, toApply(type))
            if type.family == .dv {
                #expect(
                    list?.refusals.map(\.message) == [
                        "Root certificate hash algorithm: SHA-256 is available only for OV and EV certificates; choose Default."
                    ])
            } else {
                #expect(list == nil)
            }
        }
    }

    @Test func csrModes() throws {
        var form = goodForm()
        form.csrMode = "existing"
        #expect(errors(form, toApply())?.refusals.map(\.message) == ["CSR: choose a CSR from the CSR list."])
        form.csrID = "csr-0123456789abcdef"
        let existing = try valid(form, toApply())
        #expect(existing.csrSource == .existing && existing.csrID == "csr-0123456789abcdef" && existing.csrPEM == nil)

        form.csrMode = "uploaded"
        form.csrPEM = "not a csr"
        #expect(errors(form, toApply())?.fields == ["csr"])
        form.csrPEM = "\n-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"
        let uploaded = try valid(form, toApply())
        #expect(uploaded.csrSource == .uploaded)
        #expect(uploaded.csrPEM == "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----")
    }

    // MARK: Organization

    @Test func organizationFieldsAtMost63Characters() throws {
        var form = goodForm()
        form.companyName = String(repeating: "x", count: 63)
        form.city = String(repeating: "y", count: 64)
        form.companyUnit = String(repeating: "z", count: 64)
        let list = try #require(errors(form, toApply(.ev)))
        #expect(list.fields == ["company_unit", "company_city"])
        #expect(
            list.refusals(for: "company_city").first?.message
                == "City: 64 characters is too long; at most 63 are allowed.")
    }

    @Test func countryIsTwoLetters() throws {
        for (input, ok) in [("us", true), ("CN", true), ("CHN", false), ("C1", false), ("中国", false)] {
            var form = goodForm()
            form.country = input
            let list = errors(form, toApply(.ov))
            #expect((list == nil) == ok, "\(input)")
        }
    }

    @Test func aRenewalKeepsTheCompanyName() throws {
        #expect(errors(goodForm(), toApply(.ov), original: "Example Co., Ltd.") == nil)
        let list = try #require(errors(goodForm(), toApply(.ov), original: "Other Corp"))
        #expect(
            list.refusals.map(\.message) == [
                "Company name: a renewal keeps the original certificate's company name 'Other Corp'; it cannot be changed to 'Example Co., Ltd.'."
            ])
    }

    // MARK: Applicant and contact

    @Test(arguments: [
        ("Li Lei", true), ("张三", true), ("Jean-Luc Picard", true), ("O_K, Jr.", true), ("Zoë Ångström", true),
        ("Bob", false), ("李", false), ("Bob@Home", false), ("R2D2", false), ("O'Brien", false),
    ])
    func applicantName(name: String, ok: Bool) {
        var form = goodForm()
        form.applicantName = name
        #expect((errors(form, toApply()) == nil) == ok, "\(name)")
    }

    @Test func applicantNameLengthIsInBytes() throws {
        var form = goodForm()
        form.applicantName = String(repeating: "a", count: 100)
        #expect(errors(form, toApply()) == nil)
        form.applicantName = String(repeating: "张", count: 34)  // 102 bytes
        let list = try #require(errors(form, toApply()))
        #expect(
            list.refusals[0].message.hasSuffix(
                "is 102 bytes; a name must be 4 to 100 bytes long (a Chinese character counts as 3)."))
        form.applicantName = "Bob"
        #expect(
            errors(form, toApply())?.refusals.first?.message
                == "Applicant name: 'Bob' is 3 bytes; a name must be 4 to 100 bytes long (a Chinese character counts as 3)."
        )
    }

    @Test(arguments: [
        ("+86 138-0000-0000", "+8613800000000"), ("12345", "12345"), ("(0755) 8888.8888", "075588888888"),
        ("+1 (650) 253-0000", "+16502530000"), (String(repeating: "9", count: 20), String(repeating: "9", count: 20)),
    ])
    func phoneNumbers(input: String, cleaned: String) throws {
        var form = goodForm()
        form.applicantPhone = input
        #expect(try valid(form, toApply()).applicantPhone == cleaned)
    }

    @Test(arguments: [
        "1234", String(repeating: "9", count: 21), "12+345678", "phone", "++8613800000000", "138 0000 0000 ext 5",
    ])
    func badPhoneNumbers(input: String) throws {
        var form = goodForm()
        form.applicantPhone = input
        let list = try #require(errors(form, toApply()))
        #expect(list.fields == ["applicant_phone"])
        #expect(list.refusals[0].message.contains("use 5 to 20 digits"))
    }

    @Test(arguments: [
        ("nobody", "it has no '@'"), ("a@b@example.com", "it has more than one '@'"),
        ("@example.com", "nothing before the '@'"),
        ("a..b@example.com", "two dots in a row"), (".a@example.com", "cannot start or end with a dot"),
        ("a b@example.com", "may contain only letters"), ("a@localhost", "the part after the '@' is not a domain name"),
        ("a@exa_mple.com", "the part after the '@' is not a domain name"),
    ])
    func badEmails(input: String, why: String) throws {
        var form = goodForm()
        form.applicantEmail = input
        let list = try #require(errors(form, toApply()))
        #expect(list.fields == ["applicant_email"])
        #expect(list.refusals[0].message.hasPrefix("Applicant e-mail: '\(input)' is not a valid e-mail address ("))
        #expect(list.refusals[0].message.contains(why), "\(list.refusals[0].message)")
    }

    @Test func contactFieldsAreOptionalButCheckedWhenGiven() throws {
        #expect(errors(goodForm(), toApply()) == nil)
        var form = goodForm()
        form.contactEmail = "ops@"
        form.contactPhone = "12"
        form.contactName = String(repeating: "n", count: 64)
        let list = try #require(errors(form, toApply()))
        #expect(list.fields == ["contact_name", "contact_phone", "contact_email"])
    }

    @Test func agreementIsRequired() throws {
        var form = goodForm()
        form.agreed = false
        let list = try #require(errors(form, toApply()))
        #expect(list.refusals.map(\.field) == ["agree"])
    }

    // MARK: Add additional domain

    @Test func domainAddition() throws {
        var c = certificate(.issued, domainType: .multiple, quota: 4)  // holds www + api
        let added = try #require(
            try? validateDomainAddition("shop.example.com\nBlog.Example.com", email: "ops@example.com", for: c))
        #expect(added.domains == ["shop.example.com", "blog.example.com"])
        #expect(added.email == "ops@example.com")

        let list = try #require(
            refusals { () throws(RefusalList) in
                try validateDomainAddition("api.example.com\nx.example.com\ny.example.com", email: "", for: c)
            })
        #expect(
            list.refusals.map(\.message) == [
                "Additional domains: 'api.example.com' is already on this certificate; each domain name may appear only once.",
                "Additional domains: this certificate was bought for 4 domain names and already holds 2, so at most 2 can be added; you entered 3.",
                "E-mail address: enter an e-mail address, like 'name@example.com'.",
            ])
        c.type = .dv
        let wildcard = try #require(
            refusals { () throws(RefusalList) in
                try validateDomainAddition("*.example.net", email: "ops@example.com", for: c)
            })
        #expect(wildcard.refusals[0].message.contains("allowed only for OV and OV Pro"))
    }
}

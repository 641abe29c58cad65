import Testing

@testable import SCMCore

@Suite struct ApplicationFormFieldsTests {
    @Test func fieldsRoundTripEverythingButTheAgreement() {
        let form = ApplicationForm(
            primaryDomain: "www.example.com", additionalDomains: "a.example.com\nb.example.com", csrMode: "existing",
            csrID: "csr1", csrPEM: "pem", keyAlgorithm: "EC_P256", validationMethod: "EMAIL", rootHashAlgorithm: "SHA-256",
            companyName: "Co", companyUnit: "IT", country: "CN", province: "GD", city: "SZ", applicantName: "Li Wei",
            applicantPhone: "+86 1", applicantEmail: "li@example.com", contactName: "Ann", contactPhone: "+49 2",
            contactEmail: "ann@example.com", agreed: true)
        var expected = form
        expected.agreed = false
        #expect(ApplicationForm(fields: { form.fields[$0] }) == expected)
        #expect(ApplicationForm(fields: { $0 == ApplicationField.agree ? "on" : form.fields[$0] }) == form)
        #expect(ApplicationForm(fields: { _ in nil }) == ApplicationForm())
    }

    @Test func fillDetailsTakesEveryOrganizationAndContactField() {
        var application = Application()
        application.companyName = "Co"
        application.companyUnit = "IT"
        application.country = "CN"
        application.province = "GD"
        application.city = "SZ"
        application.applicantName = "Li Wei"
        application.applicantPhone = "+86 1"
        application.applicantEmail = "li@example.com"
        application.contactName = "Ann"
        application.contactPhone = "+49 2"
        application.contactEmail = "ann@example.com"
        var form = ApplicationForm(primaryDomain: "www.example.com")
        form.fillDetails(from: application)
        #expect(form.primaryDomain == "www.example.com")
        #expect(
            [form.companyName, form.companyUnit, form.country, form.province, form.city, form.applicantName,
             form.applicantPhone, form.applicantEmail, form.contactName, form.contactPhone, form.contactEmail]
                == ["Co", "IT", "CN", "GD", "SZ", "Li Wei", "+86 1", "li@example.com", "Ann", "+49 2", "ann@example.com"])
    }
}

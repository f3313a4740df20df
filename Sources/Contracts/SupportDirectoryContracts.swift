/// `worker.phone-numbers.v1`: the phone-support directory, optionally for one country or region.
public enum PhoneNumbersMethod: RPCMethod {
    public static let name = "worker.phone-numbers.v1"
    public static let queue = RPCQueue.worker

    public struct Request: Codable, Sendable {
        /// ISO 3166-1 alpha-2 code, upper case; `nil` for every country.
        public var country: String?
        public init(country: String?) { self.country = country }
    }

    public struct Response: Codable, Sendable {
        public var entries: [PhoneSupportEntry]
        public init(entries: [PhoneSupportEntry]) { self.entries = entries }
    }
}

/// One phone-support line.
public struct PhoneSupportEntry: Codable, Sendable, Equatable {
    /// ISO 3166-1 alpha-2 code.
    public var country: String
    /// Country or region name in English.
    public var countryName: String
    /// E.164-style number as dialled from that country.
    public var phoneNumber: String
    /// Staffed hours in words, e.g. `Mon-Fri 09:00-18:00 JST`.
    public var hours: String
    /// BCP 47 tags of the languages spoken on the line.
    public var languages: [String]
    /// Extra guidance (which severities the line takes, toll-free or not).
    public var notes: String?

    public init(country: String, countryName: String, phoneNumber: String, hours: String, languages: [String], notes: String?) {
        self.country = country
        self.countryName = countryName
        self.phoneNumber = phoneNumber
        self.hours = hours
        self.languages = languages
        self.notes = notes
    }
}

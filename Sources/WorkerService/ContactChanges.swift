import Contracts

extension RequestFields {
    /// The contact details, when they are all a change sets (what a submitted request accepts).
    var onlyContact: ContactDetails? {
        guard let contact, self == RequestFields(contact: contact) else { return nil }
        return contact
    }
}

extension ContactDetails {
    /// The members of `self` that differ from `other`, named as in the API.
    func changedMembers(from other: ContactDetails) -> [String] {
        var names: [String] = []
        if name != other.name { names.append("name") }
        if email != other.email { names.append("email") }
        if phone != other.phone { names.append("phone") }
        if preferredMethod != other.preferredMethod { names.append("preferred_method") }
        if timeZone != other.timeZone { names.append("time_zone") }
        if country != other.country { names.append("country") }
        return names
    }
}

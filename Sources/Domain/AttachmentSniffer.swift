/// Decides what an attachment is from its bytes, never from its name, against an allow-list:
/// screenshots (PNG, JPEG, GIF, WebP), PDF, archives (ZIP, including Office documents and
/// diagnostic bundles; gzip; CAB), Windows event logs, and plain text (logs, CSV, JSON, XML).
/// Executables and scripts are refused whatever they are called.
public enum AttachmentSniffer {
    /// What the bytes are: the MIME type stored and shown, and a description for people.
    public struct Kind: Sendable, Equatable {
        public var mediaType: String
        public var description: String
        /// The file-name extensions such content may keep; the first is added to any other name.
        public var extensions: [String]
    }

    /// Why an attachment is refused.
    public enum Refusal: Error, Sendable, Equatable {
        case empty
        case executable(String)
        case notAllowed

        public var detail: String {
            switch self {
            case .empty: "the attachment is empty"
            case .executable(let what): "\(what) files are not accepted, whatever their name; zip diagnostic output instead"
            case .notAllowed:
                "this type of file is not accepted: send screenshots (PNG, JPEG, GIF, WebP), PDF, text or log files, "
                    + "ZIP/gzip/CAB archives, Office documents or Windows event logs"
            }
        }
    }

    /// The kind of `bytes`, or why they are refused.
    public static func sniff(_ bytes: some Collection<UInt8>) -> Result<Kind, Refusal> {
        let head = Array(bytes.prefix(512))
        guard !head.isEmpty else { return .failure(.empty) }
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + prefix.count && Array(head[offset..<(offset + prefix.count)]) == prefix
        }
        func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

        // Refused first: executables and scripts, however they are named.
        if starts(ascii("MZ")) { return .failure(.executable("Windows executable")) }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return .failure(.executable("ELF executable")) }
        for magic: [UInt8] in [[0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE],
                               [0xCF, 0xFA, 0xED, 0xFE], [0xCA, 0xFE, 0xBA, 0xBE]] where starts(magic) {
            return .failure(.executable("Mach-O or Java class"))
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return .failure(.executable("Installer (MSI) or legacy Office compound"))
        }
        if starts(ascii("#!")) { return .failure(.executable("Script")) }

        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .success(Kind(mediaType: "image/png", description: "PNG image", extensions: ["png"])) }
        if starts([0xFF, 0xD8, 0xFF]) { return .success(Kind(mediaType: "image/jpeg", description: "JPEG image", extensions: ["jpg", "jpeg"])) }
        if starts(ascii("GIF87a")) || starts(ascii("GIF89a")) { return .success(Kind(mediaType: "image/gif", description: "GIF image", extensions: ["gif"])) }
        if starts(ascii("RIFF")) && starts(ascii("WEBP"), at: 8) { return .success(Kind(mediaType: "image/webp", description: "WebP image", extensions: ["webp"])) }
        if starts(ascii("%PDF-")) { return .success(Kind(mediaType: "application/pdf", description: "PDF document", extensions: ["pdf"])) }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
            return .success(Kind(
                mediaType: "application/zip", description: "ZIP archive (or Office document)", extensions: ["zip", "docx", "xlsx", "pptx"]))
        }
        if starts([0x1F, 0x8B]) { return .success(Kind(mediaType: "application/gzip", description: "gzip archive", extensions: ["gz", "tgz"])) }
        if starts(ascii("MSCF")) { return .success(Kind(mediaType: "application/vnd.ms-cab-compressed", description: "CAB archive", extensions: ["cab"])) }
        if starts(ascii("ElfFile") + [0]) { return .success(Kind(mediaType: "application/x-ms-evtx", description: "Windows event log", extensions: ["evtx"])) }
        if isText(bytes) { return .success(Kind(
            mediaType: "text/plain; charset=utf-8", description: "text",
            extensions: ["txt", "log", "csv", "tsv", "json", "xml", "md", "ini", "cfg", "conf", "yaml", "yml", "out", "err", "trace"])) }
        return .failure(.notAllowed)
    }

    /// UTF-8 (an optional byte-order mark allowed) without NUL or other control characters
    /// besides tab, line feed, form feed, carriage return and escape.
    static func isText(_ bytes: some Collection<UInt8>) -> Bool {
        var body = Array(bytes)
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        guard String(validating: body, as: UTF8.self) != nil else { return false }
        return !body.contains { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D, 0x1B].contains($0) || $0 == 0x7F }
    }

    /// Bidirectional-text controls, which can make `exe.txt` display as `txt.exe`.
    static let bidiControls: Set<UInt32> = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]

    /// A file name safe to store and send back: the last path component, without control
    /// characters, bidirectional controls, quotes or backslashes, at most 255 bytes; nil when
    /// nothing is left.
    public static func safeFileName(_ raw: String) -> String? {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(String.UnicodeScalarView(last.unicodeScalars.filter {
            $0.value >= 0x20 && $0.value != 0x7F && $0 != "\"" && !(0x80...0x9F).contains($0.value) && !bidiControls.contains($0.value)
        })).trimmingWhitespace()
        while name.utf8.count > 255 { name.removeLast() }
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        return name
    }

    /// The name stored for content of `kind`: kept when its extension fits the content,
    /// otherwise given the content's extension, so that `fix.bat` holding text is saved as
    /// `fix.bat.txt` and never opens as a script.
    public static func storedName(_ name: String, kind: Kind) -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let ext = parts.count > 1 ? parts[parts.count - 1].lowercased() : ""
        guard !kind.extensions.contains(ext), let wanted = kind.extensions.first else { return name }
        var stem = name
        while stem.utf8.count + wanted.utf8.count + 1 > 255 { stem.removeLast() }
        return stem + "." + wanted
    }
}


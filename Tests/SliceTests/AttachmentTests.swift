import Crypto
import Foundation
import HTTPTypes
import Testing

/// Attachments through the gateway: checked by content, limited per file and per request,
/// downloadable by whoever may read the request and by nobody else.
@Suite("Attachments", .serialized, .timeLimit(.minutes(5)))
struct AttachmentTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 2000)

    @Test("upload and download: sniffed type, SHA-256, safe download headers, shown on the request")
    func roundTrip() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            // The name says .txt, the bytes say PNG: the bytes win, and the name gets .png.
            let upload = try await api.sendBytes(
                .post, "\(base)/requests/\(id)/attachments?filename=%E7%94%BB%E9%9D%A2%20%22shot%22.txt", token: w.ta1Token,
                bytes: Self.png, contentType: "text/plain")
            #expect(upload.status == 201, "\(upload.body)")
            let attachment = try upload.json()
            #expect(attachment["media_type"] as? String == "image/png")
            #expect(attachment["size_bytes"] as? Int == Self.png.count)
            let digest = SHA256.hash(data: Self.png).map { String(format: "%02x", $0) }.joined()
            #expect(attachment["sha256"] as? String == digest)
            #expect(attachment["file_name"] as? String == "画面 shot.txt.png")
            let attachmentID = try upload.string("id")

            // The requester, another admin of the tenant, the partner and support all download it.
            for token in [w.ta1Token, w.sa1Token, w.paToken, w.engineerToken] {
                let file = try await api.sendBytes(.get, "\(base)/requests/\(id)/attachments/\(attachmentID)", token: token)
                #expect(file.status == 200)
                #expect(file.bytes == Self.png)
                #expect(file.contentType == "application/octet-stream")
                #expect(file.headers[.xContentTypeOptions] == "nosniff")
                let disposition = try #require(file.headers[.contentDisposition])
                #expect(disposition.hasPrefix("attachment; filename=\"__ shot.txt.png\""), "\(disposition)")
                #expect(disposition.contains("filename*=UTF-8''%E7%94%BB%E9%9D%A2%20shot.txt.png"), "\(disposition)")
                let expected = Data(SHA256.hash(data: Self.png)).base64EncodedString()
                #expect(file.headers[HTTPField.Name("Repr-Digest")!] == "sha-256=:\(expected):")
            }
            // Nobody else: another tenant's admin, on either path.
            #expect(try await api.sendBytes(.get, "\(base)/requests/\(id)/attachments/\(attachmentID)", token: w.ta2Token).status == 404)
            #expect(try await api.sendBytes(.get, "/v1/tenants/\(w.c2)/requests/\(id)/attachments/\(attachmentID)",
                                            token: w.ta2Token).status == 404)
            #expect(try await api.sendBytes(.get, "\(base)/requests/\(id)/attachments/\(attachmentID)", token: nil).status == 401)

            let detail = try await api.send(.get, "\(base)/requests/\(id)", token: w.sa1Token).json()
            #expect((detail["attachments"] as? [[String: Any]])?.map { $0["id"] as? String } == [attachmentID])
            let added = (detail["timeline"] as? [[String: Any]])?.first { $0["kind"] as? String == "attachment_added" }
            #expect((added?["data"] as? [String: String])?["attachment_id"] == attachmentID, "\(added ?? [:])")
        }
    }

    @Test("executables are refused whatever their name; only allowed types get in")
    func sniffing() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            let refused: [(String, [UInt8])] = [
                ("screenshot.png", Array("MZ".utf8) + Array(repeating: 0x90, count: 512)),
                ("log.txt", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + Array(repeating: 0, count: 64)),
                ("notes.txt", Array("#!/bin/sh\nrm -rf /\n".utf8)),
                ("data.bin", [0x00, 0x01, 0x02, 0x03, 0xFF, 0xFE]),
            ]
            for (name, bytes) in refused {
                let reply = try await api.sendBytes(.post, "\(base)/requests/\(id)/attachments?filename=\(name)", token: w.ta1Token,
                                                    bytes: bytes, contentType: "image/png")
                #expect(reply.status == 415, "\(name): \(reply.body)")
                #expect(reply.problemType == "urn:tenantdesk:problem:attachment-type-not-allowed")
            }
            let empty = try await api.sendBytes(.post, "\(base)/requests/\(id)/attachments?filename=empty.txt", token: w.ta1Token, bytes: [])
            #expect(empty.status == 422 || empty.status == 400, "\(empty.body)")
            let log = try await api.sendBytes(.post, "\(base)/requests/\(id)/attachments?filename=../../etc/IntuneManagementExtension.log",
                                              token: w.ta1Token, bytes: Array("2026-11-26 ESP timeout after 60 min\r\n".utf8))
            #expect(log.status == 201, "\(log.body)")
            #expect(try log.json()["file_name"] as? String == "IntuneManagementExtension.log")
            #expect(try log.json()["media_type"] as? String == "text/plain; charset=utf-8")
            // A script's name never survives as such: text sent as fix.bat is stored as fix.bat.txt.
            let script = try await api.sendBytes(.post, "\(base)/requests/\(id)/attachments?filename=fix.bat", token: w.ta1Token,
                                                 bytes: Array("del /q C:\\Windows\\Temp\\*\r\n".utf8))
            #expect(script.status == 201, "\(script.body)")
            #expect(try script.json()["file_name"] as? String == "fix.bat.txt")
            let detail = try await api.send(.get, "\(base)/requests/\(id)", token: w.ta1Token).json()
            #expect((detail["attachments"] as? [Any])?.count == 2)
        }
    }

    @Test("limits: per file at the gateway, per request in the worker; internal attachments stay with support")
    func limits() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)"
            let id = try await ServiceRequestFlowTests.submitted(api, w)
            let big = Array(repeating: UInt8(ascii: "a"), count: SliceStack.attachmentMaxBytes + 1)
            let tooBig = try await api.sendBytes(.post, "\(base)/requests/\(id)/attachments?filename=big.log", token: w.ta1Token, bytes: big)
            #expect(tooBig.status == 413)
            #expect(tooBig.problemType == "urn:tenantdesk:problem:payload-too-large")
            let part = Array(repeating: UInt8(ascii: "b"), count: 210 << 10)
            for index in 0..<3 {
                let reply = try await api.sendBytes(.post, "\(base)/requests/\(id)/attachments?filename=part\(index).log",
                                                    token: w.ta1Token, bytes: part)
                // 600 KiB per request: the third 210 KiB part goes over.
                #expect(reply.status == (index < 2 ? 201 : 413), "part \(index): \(reply.body)")
            }

            // Support's internal attachment: invisible to the tenant, and the tenant cannot add one.
            let other = try await ServiceRequestFlowTests.submitted(api, w)
            let hidden = try await api.sendBytes(.post, "\(base)/requests/\(other)/attachments?filename=trace.log&visibility=internal",
                                                   token: w.engineerToken, bytes: Array("internal trace\n".utf8))
            #expect(hidden.status == 201, "\(hidden.body)")
            let internalID = try hidden.string("id")
            #expect(try await api.sendBytes(.get, "\(base)/requests/\(other)/attachments/\(internalID)", token: w.ta1Token).status == 404)
            #expect(try await api.sendBytes(.get, "\(base)/requests/\(other)/attachments/\(internalID)", token: w.engineerToken).status == 200)
            let customerView = try await api.send(.get, "\(base)/requests/\(other)", token: w.ta1Token)
            #expect(!customerView.body.contains(internalID))
            let refused = try await api.sendBytes(.post, "\(base)/requests/\(other)/attachments?filename=x.log&visibility=internal",
                                                  token: w.ta1Token, bytes: Array("x\n".utf8))
            #expect(refused.status == 422)

            // Closed requests take no more attachments.
            _ = try await api.send(.post, "\(base)/requests/\(other)/transitions", token: w.ta1Token, json: #"{"transition":"withdraw"}"#)
            let late = try await api.sendBytes(.post, "\(base)/requests/\(other)/attachments?filename=late.log", token: w.ta1Token,
                                               bytes: Array("late\n".utf8))
            #expect(late.status == 409)
        }
    }
}

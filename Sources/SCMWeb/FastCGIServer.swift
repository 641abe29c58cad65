import CFastCGI
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A multi-threaded FastCGI responder on libfcgi: a pool of threads, each looping on
/// `FCGX_Accept_r` over one shared listening socket.
///
/// SIGTERM or SIGINT stops accepting (the listening socket is shut down, which wakes every
/// thread blocked in accept), lets requests in flight finish, and `run()` returns.
public final class FastCGIServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var address: String
        public var threadCount: Int
        public var maximumBodySize: Int
        public init(address: String = "127.0.0.1:9000", threadCount: Int = 8, maximumBodySize: Int = 2 << 20) {
            self.address = address
            self.threadCount = threadCount
            self.maximumBodySize = maximumBodySize
        }
    }

    public struct ListenError: Error, CustomStringConvertible {
        public let description: String
    }

    private let configuration: Configuration
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let logger: Logger
    private var listenSocket: Int32 = -1
    /// Per thread: its request, and whether it waits for the next request (not handling one).
    /// Guarded by `lock`. On shutdown, waiting threads pinned to a kept-alive connection are
    /// woken by shutting that connection down.
    private let lock = NSLock()
    private var stopping = false
    private var waiting: [UnsafeMutablePointer<FCGX_Request>: Bool] = [:]

    public init(
        configuration: Configuration, logger: Logger, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
    }

    /// Opens the socket; a port already in use is a `ListenError` naming the address.
    public func bind() throws {
        FCGX_Init()
        // libfcgi reuses the address (SO_REUSEADDR), so a live listener is the only thing that
        // makes binding fail: probe first to give the user the real reason.
        if let reason = Self.probe(configuration.address) {
            throw ListenError(description: "cannot listen on \(configuration.address): \(reason)")
        }
        let socket = FCGX_OpenSocket(configuration.address, 128)
        guard socket >= 0 else {
            throw ListenError(
                description: "cannot listen on \(configuration.address): \(String(cString: strerror(errno)))")
        }
        listenSocket = socket
    }

    /// Serves until SIGTERM/SIGINT, then waits for the requests in flight. `onStop` runs once the
    /// signal arrives (to stop the scheduler too).
    public func run(onStop: @escaping @Sendable () -> Void = {}) {
        let signals = Self.blockShutdownSignals()

        let group = DispatchGroup()
        for index in 0..<configuration.threadCount {
            group.enter()
            let thread = Thread { [self] in
                serveRequests()
                group.leave()
            }
            thread.name = "fcgi-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        let waitedSignals = signals
        let signalThread = Thread { [self] in
            var set = waitedSignals
            var caught: Int32 = 0
            sigwait(&set, &caught)
            logger.info("signal \(caught): no new requests; finishing the ones in flight")
            onStop()
            stop()
        }
        signalThread.start()
        group.wait()
        close(listenSocket)
    }

    /// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards, so
    /// that only `run`'s signal thread receives them (through `sigwait`). Call it before starting
    /// any other thread (the scheduler): a thread that does not block them would take the signal.
    @discardableResult
    public static func blockShutdownSignals() -> sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)
        return signals
    }

    /// Stops accepting: wakes threads blocked in accept (listening socket shut down) and those
    /// waiting on a kept-alive connection (that connection shut down). Busy threads finish first.
    private func stop() {
        FCGX_ShutdownPending()
        lock.withLock {
            stopping = true
            for (request, isWaiting) in waiting where isWaiting && request.pointee.ipcFd >= 0 {
                shutdown(request.pointee.ipcFd, Int32(SHUT_RDWR))
            }
        }
        shutdown(listenSocket, Int32(SHUT_RDWR))
    }

    /// Marks the thread as waiting or busy; false when the server is stopping.
    private func setWaiting(_ request: UnsafeMutablePointer<FCGX_Request>, _ isWaiting: Bool) -> Bool {
        lock.withLock {
            waiting[request] = isWaiting
            return !stopping
        }
    }

    private func serveRequests() {
        let slot = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        defer { slot.deallocate() }
        slot.initialize(to: FCGX_Request())
        guard FCGX_InitRequest(slot, listenSocket, 0) == 0 else { return }
        while setWaiting(slot, true), FCGX_Accept_r(slot) >= 0 {
            // Busy now: a request in flight is finished even if a stop arrives meanwhile.
            _ = setWaiting(slot, false)
            let response: HTTPResponse
            switch readRequest(slot) {
            case .request(let parsed):
                response = handler(parsed)
            case .refused(let refusal):
                response = refusal
            }
            write(response, to: slot.pointee.out)
            FCGX_Finish_r(slot)
        }
        // Forgotten before it is freed: `stop()` must not read a freed request.
        lock.withLock { _ = waiting.removeValue(forKey: slot) }
        FCGX_Free(slot, 1)
    }

    private enum ReadResult {
        case request(HTTPRequest)
        /// Answered before the handler runs (a body over the limit).
        case refused(HTTPResponse)
    }

    private func readRequest(_ slot: UnsafeMutablePointer<FCGX_Request>) -> ReadResult {
        let request = slot.pointee
        var params: [String: String] = [:]
        var headers: [String: String] = [:]
        if var cursor = request.envp {
            while let entry = cursor.pointee {
                let pair = String(cString: entry)
                if let equals = pair.firstIndex(of: "=") {
                    let name = String(pair[..<equals])
                    let value = String(pair[pair.index(after: equals)...])
                    params[name] = value
                    if name.hasPrefix("HTTP_") {
                        headers[name.dropFirst(5).lowercased().replacingOccurrences(of: "_", with: "-")] = value
                    } else if name == "CONTENT_TYPE" || name == "CONTENT_LENGTH" {
                        headers[name.lowercased().replacingOccurrences(of: "_", with: "-")] = value
                    }
                }
                cursor += 1
            }
        }
        let length = Int(params["CONTENT_LENGTH"] ?? "") ?? 0
        if length > configuration.maximumBodySize {
            return .refused(
                .text("Request body too large: the limit is \(configuration.maximumBodySize) bytes.", status: 413))
        }
        var body = [UInt8](repeating: 0, count: length)
        var read = 0
        while read < length {
            let count = body.withUnsafeMutableBytes { buffer in
                FCGX_GetStr(
                    buffer.baseAddress!.advanced(by: read).assumingMemoryBound(to: CChar.self), Int32(length - read),
                    request.in)
            }
            if count <= 0 { break }
            read += Int(count)
        }
        if read < length { body.removeLast(length - read) }
        return .request(
            HTTPRequest(
                method: params["REQUEST_METHOD"] ?? "GET", uri: params["REQUEST_URI"] ?? "/", headers: headers,
                body: body, remoteAddress: params["REMOTE_ADDR"] ?? "", isHTTPS: params["HTTPS"] == "on"))
    }

    private func write(_ response: HTTPResponse, to stream: UnsafeMutablePointer<FCGX_Stream>?) {
        var head = "Status: \(response.status) \(HTTPResponse.reasonPhrase(response.status))\r\n"
        for (name, value) in response.headers {
            // A header value never carries a line break: nothing a user typed can split the response.
            head +=
                "\(name): \(value.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: ""))\r\n"
        }
        head += "Content-Length: \(response.body.count)\r\n\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: response.body)
        bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress {
                _ = FCGX_PutStr(base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), stream)
            }
        }
    }

    /// Whether something already listens on `address` (HOST:PORT); nil when it is free.
    static func probe(_ address: String) -> String? {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            return nil  // a Unix socket path: libfcgi reports its own errors
        }
        let host = String(address[..<colon])
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Like libfcgi: reuse the address, so only a live listener (not TIME_WAIT) counts as in use.
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = host.isEmpty ? INADDR_ANY : inet_addr(host)
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0 ? nil : String(cString: strerror(errno))
    }
}

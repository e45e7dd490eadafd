package com.zeroui.kms.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One blocking HTTP/1.1 keep-alive connection (TLS or plain), used by one thread at a time: it
 * writes a request encoded in advance and reads one complete reply. The reply's body is framed
 * by Content-Length, by chunked transfer coding (trailers skipped) or by the end of the
 * connection; interim 1xx replies are skipped; {@code Connection: close}, HTTP/1.0 without
 * keep-alive, a body read to the end and bytes beyond the reply all end the connection's reuse.
 * Every exchange must complete within the endpoint's timeout, or {@link Watchdog} closes the
 * connection and the exchange fails with a {@link SocketTimeoutException}. See {@link BenchClient}
 * for why the bench does not use a general-purpose client.
 */
final class HttpConnection implements AutoCloseable {
    /** Where to connect and how; {@code timeout} bounds a whole exchange. */
    record Endpoint(String host, int port, SocketFactory factory, boolean tls, Duration connectTimeout, Duration timeout) {
    }

    /** A complete reply; {@code keepAlive} false when the connection must not be used again. */
    record Response(int status, String body, boolean keepAlive) {
    }

    /**
     * The connection ended (or failed) before any byte of the reply arrived: on a pooled idle
     * connection this means the server closed it, so the request was not handled.
     */
    static final class StaleConnectionException extends IOException {
        private static final long serialVersionUID = 1L;

        StaleConnectionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_BODY = 256 * 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long timeoutNanos;
    private final String peer;
    private final Deadline deadline;
    private byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;
    private boolean receivedAny;

    private HttpConnection(Socket socket, Endpoint endpoint, Deadline deadline) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.timeoutNanos = endpoint.timeout().toNanos();
        this.peer = endpoint.host() + ":" + endpoint.port();
        this.deadline = deadline; // the watchdog closes the TCP socket: a blocked TLS read then fails at once
    }

    /**
     * Connects (and completes the TLS handshake, verifying the server's name) within the
     * connect timeout and the exchange timeout respectively.
     */
    static HttpConnection open(Endpoint endpoint) throws IOException {
        Socket plain = new BufferedSocket();
        Deadline deadline = new Deadline(plain);
        Watchdog.watch(deadline);
        try {
            plain.setTcpNoDelay(true);
            deadline.arm(endpoint.connectTimeout().toNanos());
            // no connect or read timeout on the socket itself: either would switch the JDK socket to
            // non-blocking mode for good, and every read that waits would then cost poll() and a second read()
            plain.connect(new InetSocketAddress(endpoint.host(), endpoint.port()));
            Socket socket = plain;
            if (endpoint.tls()) {
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) endpoint.factory())
                        .createSocket(plain, endpoint.host(), endpoint.port(), true);
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // as java.net.http and browsers do
                tls.setSSLParameters(parameters);
                deadline.arm(endpoint.timeout().toNanos());
                tls.startHandshake();
                socket = tls;
            }
            deadline.disarm();
            return new HttpConnection(socket, endpoint, deadline);
        } catch (IOException | RuntimeException e) {
            deadline.disarm();
            Watchdog.forget(deadline);
            try {
                plain.close();
            } catch (IOException ignored) {
                // the failure above is the one to report
            }
            if (deadline.expired) {
                SocketTimeoutException timeout = new SocketTimeoutException("cannot connect to " + endpoint.host() + ":"
                        + endpoint.port() + " within the timeout");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        }
    }

    /**
     * Writes {@code request} (request line, headers and body, already encoded) and reads the
     * whole reply. After an exception the connection must be closed.
     */
    Response exchange(byte[] request) throws IOException {
        if (deadline.expired) { // the watchdog closed it as the last exchange ended: not used since
            throw new StaleConnectionException("the connection to " + peer + " was closed by the timeout watchdog", null);
        }
        deadline.arm(timeoutNanos);
        receivedAny = false;
        try {
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                if (deadline.expired) {
                    throw e;
                }
                throw new StaleConnectionException("the connection to " + peer + " was closed before the request was sent: "
                        + e, e);
            }
            try {
                return readResponse();
            } catch (IOException e) {
                if (!receivedAny && !deadline.expired && !(e instanceof StaleConnectionException)) {
                    throw new StaleConnectionException("the connection to " + peer + " failed before a reply: " + e, e);
                }
                throw e;
            }
        } catch (IOException e) {
            if (deadline.expired) {
                SocketTimeoutException timeout = new SocketTimeoutException("no complete reply from " + peer + " within "
                        + Duration.ofNanos(timeoutNanos).toMillis() / 1000.0 + " s");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            deadline.disarm();
        }
    }

    private Response readResponse() throws IOException {
        while (true) {
            int lineEnd = readLine();
            int status = statusCode(lineEnd);
            boolean http10 = buf[pos + 7] == '0';
            pos = lineEnd + 1;
            long contentLength = -1;
            boolean chunked = false;
            boolean otherCoding = false;
            boolean close = http10;
            while (true) {
                int end = readLine();
                int stop = end > pos && buf[end - 1] == '\r' ? end - 1 : end;
                if (stop == pos) {
                    pos = end + 1;
                    break;
                }
                int colon = indexOf(':', pos, stop);
                if (colon < 0) {
                    throw new IOException("malformed header line from " + peer + ": " + text(pos, stop));
                }
                int v = colon + 1;
                while (v < stop && (buf[v] == ' ' || buf[v] == '\t')) {
                    v++;
                }
                int ve = stop;
                while (ve > v && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
                    ve--;
                }
                if (nameIs("content-length", pos, colon)) {
                    long length = parseDecimal(v, ve);
                    if (contentLength >= 0 && contentLength != length) {
                        throw new IOException("conflicting Content-Length headers from " + peer);
                    }
                    contentLength = length;
                } else if (nameIs("transfer-encoding", pos, colon)) {
                    String codings = text(v, ve).toLowerCase(java.util.Locale.ROOT);
                    if (codings.endsWith("chunked")) {
                        chunked = true;
                    } else {
                        otherCoding = true;
                    }
                } else if (nameIs("connection", pos, colon)) {
                    for (String token : text(v, ve).toLowerCase(java.util.Locale.ROOT).split(",")) {
                        if (token.trim().equals("close")) {
                            close = true;
                        } else if (token.trim().equals("keep-alive") && http10) {
                            close = false;
                        }
                    }
                }
                pos = end + 1;
            }
            if (status >= 100 && status < 200) {
                continue; // interim reply (100 Continue, 103 Early Hints): the final one follows
            }
            byte[] body;
            int length;
            if (status == 204 || status == 304) {
                body = new byte[0];
                length = 0;
            } else if (chunked) {
                ByteSink sink = new ByteSink();
                readChunked(sink);
                body = sink.bytes;
                length = sink.size;
            } else if (contentLength >= 0 && !otherCoding) {
                if (contentLength > MAX_BODY) {
                    throw new IOException("a " + contentLength + "-byte reply from " + peer + " is too large for the bench");
                }
                length = (int) contentLength;
                body = new byte[length];
                readFully(body, length);
            } else {
                ByteSink sink = new ByteSink();
                readToEnd(sink);
                body = sink.bytes;
                length = sink.size;
                close = true;
            }
            boolean leftover = pos < lim; // bytes after the reply: the stream is out of step, do not reuse it
            return new Response(status, new String(body, 0, length, StandardCharsets.UTF_8), !close && !leftover);
        }
    }

    private int statusCode(int lineEnd) throws IOException {
        int p = pos;
        if (lineEnd - p < 12 || buf[p] != 'H' || buf[p + 1] != 'T' || buf[p + 2] != 'T' || buf[p + 3] != 'P'
                || buf[p + 4] != '/' || buf[p + 5] != '1' || buf[p + 6] != '.' || buf[p + 8] != ' '
                || !digit(buf[p + 9]) || !digit(buf[p + 10]) || !digit(buf[p + 11])
                || (lineEnd - p > 12 && buf[p + 12] != ' ' && buf[p + 12] != '\r')) {
            throw new IOException("not an HTTP/1.x status line from " + peer + ": "
                    + text(p, Math.min(lineEnd, p + 80)));
        }
        return (buf[p + 9] - '0') * 100 + (buf[p + 10] - '0') * 10 + (buf[p + 11] - '0');
    }

    private void readChunked(ByteSink sink) throws IOException {
        while (true) {
            int end = readLine();
            int p = pos;
            long size = 0;
            int digits = 0;
            while (p < end && hex(buf[p]) >= 0) {
                size = size * 16 + hex(buf[p++]);
                if (++digits > 8) {
                    throw new IOException("chunk size too large from " + peer);
                }
            }
            if (digits == 0) {
                throw new IOException("malformed chunk size line from " + peer + ": " + text(pos, end));
            }
            pos = end + 1;
            if (size == 0) {
                while (true) { // trailer fields, then the empty line
                    int trailerEnd = readLine();
                    boolean empty = trailerEnd == pos || (trailerEnd == pos + 1 && buf[pos] == '\r');
                    pos = trailerEnd + 1;
                    if (empty) {
                        return;
                    }
                }
            }
            if (sink.size + size > MAX_BODY) {
                throw new IOException("a chunked reply from " + peer + " is too large for the bench");
            }
            sink.ensure(sink.size + (int) size);
            readFully(sink.bytes, sink.size, (int) size);
            sink.size += (int) size;
            int crlf = readLine();
            if (!(crlf == pos || (crlf == pos + 1 && buf[pos] == '\r'))) {
                throw new IOException("chunk data not followed by CRLF from " + peer);
            }
            pos = crlf + 1;
        }
    }

    private void readToEnd(ByteSink sink) throws IOException {
        while (true) {
            if (pos == lim && !fill()) {
                return;
            }
            int n = lim - pos;
            if (sink.size + n > MAX_BODY) {
                throw new IOException("a reply from " + peer + " is too large for the bench");
            }
            sink.ensure(sink.size + n);
            System.arraycopy(buf, pos, sink.bytes, sink.size, n);
            sink.size += n;
            pos = lim;
        }
    }

    private void readFully(byte[] target, int length) throws IOException {
        readFully(target, 0, length);
    }

    /** Buffered bytes first, then straight from the socket into {@code target}. */
    private void readFully(byte[] target, int offset, int length) throws IOException {
        int buffered = Math.min(length, lim - pos);
        System.arraycopy(buf, pos, target, offset, buffered);
        pos += buffered;
        int done = buffered;
        while (done < length) {
            int n = in.read(target, offset + done, length - done);
            if (n < 0) {
                throw new EOFException("the connection to " + peer + " ended " + (length - done) + " bytes before the reply's end");
            }
            receivedAny = true;
            done += n;
        }
    }

    /** Index of the next '\n' at or after {@code pos}, reading as needed. */
    private int readLine() throws IOException {
        int scanned = pos;
        while (true) {
            for (int i = scanned; i < lim; i++) {
                if (buf[i] == '\n') {
                    return i;
                }
            }
            scanned = lim;
            if (lim - pos >= MAX_LINE) {
                throw new IOException("a header line from " + peer + " is longer than " + MAX_LINE + " bytes");
            }
            int consumed = pos;
            if (!fill()) {
                if (!receivedAny) {
                    throw new StaleConnectionException("the connection to " + peer + " was closed before a reply", null);
                }
                throw new EOFException("the connection to " + peer + " ended inside the reply's head");
            }
            scanned -= consumed - pos; // fill() may have moved the unread bytes to the front
        }
    }

    /** Reads more into the buffer (compacting or growing it first); false at the end of the stream. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        receivedAny = true;
        lim += n;
        return true;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** ASCII case-insensitive comparison of the header name at [from, to) with a lower-case name. */
    private boolean nameIs(String lowerName, int from, int to) {
        int end = to;
        while (end > from && (buf[end - 1] == ' ' || buf[end - 1] == '\t')) {
            end--;
        }
        if (end - from != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            int b = buf[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private long parseDecimal(int from, int to) throws IOException {
        if (from == to || to - from > 18) {
            throw new IOException("malformed Content-Length from " + peer + ": " + text(from, to));
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            if (!digit(buf[i])) {
                throw new IOException("malformed Content-Length from " + peer + ": " + text(from, to));
            }
            value = value * 10 + (buf[i] - '0');
        }
        return value;
    }

    private String text(int from, int to) {
        return new String(buf, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    @Override
    public void close() {
        Watchdog.forget(deadline);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a connection nobody will use again: nothing to report
        }
    }

    /**
     * When the exchange (or connect and handshake) in progress on one connection must end; 0
     * while idle. Written by the connection's thread, read by the watchdog.
     */
    static final class Deadline {
        final Socket socket;
        volatile long at;
        volatile boolean expired;

        Deadline(Socket socket) {
            this.socket = socket;
        }

        void arm(long nanos) {
            at = System.nanoTime() + nanos;
        }

        void disarm() {
            at = 0;
        }
    }

    /**
     * Ends exchanges that overrun their deadline by closing their socket, which makes the
     * blocked read or write fail at once. One daemon thread for the process, checking every
     * {@value #WATCH_MILLIS} ms, so the timeout holds to within that; it never touches a
     * socket in time (no selector, no hand-off on the request path).
     */
    static final class Watchdog {
        static final long WATCH_MILLIS = 200;
        private static final java.util.Set<Deadline> WATCHED = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private static Thread thread;

        private Watchdog() {
        }

        static void watch(Deadline deadline) {
            WATCHED.add(deadline);
            synchronized (Watchdog.class) {
                if (thread == null) {
                    thread = new Thread(Watchdog::loop, "bench-http-timeouts");
                    thread.setDaemon(true);
                    thread.start();
                }
            }
        }

        static void forget(Deadline deadline) {
            WATCHED.remove(deadline);
        }

        private static void loop() {
            while (true) {
                try {
                    Thread.sleep(WATCH_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                for (Deadline d : WATCHED) {
                    long at = d.at;
                    if (at != 0 && now - at > 0) {
                        d.expired = true;
                        WATCHED.remove(d);
                        try {
                            d.socket.close();
                        } catch (IOException ignored) {
                            // the blocked call fails either way
                        }
                    }
                }
            }
        }
    }

    /**
     * A TCP socket whose input is buffered: the JDK's SSLSocket reads each TLS record's 5-byte
     * header and then its body straight from the socket, two read() calls per record; through
     * this buffer one call usually takes the whole reply.
     */
    private static final class BufferedSocket extends Socket {
        private InputStream buffered;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (buffered == null) {
                buffered = new java.io.BufferedInputStream(super.getInputStream(), 64 * 1024);
            }
            return buffered;
        }
    }

    private static final class ByteSink {
        byte[] bytes = new byte[1024];
        int size;

        void ensure(int capacity) {
            if (capacity > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
            }
        }
    }
}

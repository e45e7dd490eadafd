package com.zeroui.kms.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.zeroui.kms.auth.ClientCertificates;
import com.zeroui.kms.error.KmsException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTPS front door: Javalin on Jetty 12 with TLS 1.3/1.2 only. Client certificates are
 * requested but not required at the TLS layer so that a caller without one gets a JSON 401;
 * a certificate that does not chain to the internal CA fails the handshake.
 *
 * <p>Request path: TLS → caller identity (URI SAN) → strict body parsing → one service call
 * (tenant scoping, policy, crypto) → response; failures map to ErrorResponse in one place.
 */
public final class HttpServer implements AutoCloseable {
    public static final String PREFIX = "/kms/v1";
    /**
     * No client certificate needed. /jwks still identifies (and audits) a caller who presents one;
     * the OpenAPI document is public information.
     */
    private static final Set<String> PUBLIC_PATHS = Set.of(PREFIX + "/health", PREFIX + "/metrics", PREFIX + "/jwks",
            PREFIX + "/openapi.json");
    /**
     * Revocation status, fetched by relying parties that hold no KMS certificate: a CA's CRL, and
     * OCSP by GET with the request in the path. Whole-path patterns whose variable part can be
     * neither a dot segment nor (for the CA id) more than one segment, so no other route matches;
     * and every route not registered open re-checks authentication itself (see {@link #authenticated}).
     */
    private static final Pattern PUBLIC_GET = Pattern.compile(Pattern.quote(PREFIX)
            + "/(?:ca/[A-Za-z0-9][A-Za-z0-9._-]{0,63}/crl|ocsp/[A-Za-z0-9+/=%_-]+)");
    private static final Set<String> PUBLIC_POST = Set.of(PREFIX + "/ocsp");

    private final Javalin app;
    private final Callers callers;

    public HttpServer(String bindAddress, int port, long maxRequestBytes, KeyStore serverKeyStore, char[] keyStorePassword,
                      KeyStore trustStore, ApiServices services) {
        this(bindAddress, port, maxRequestBytes, serverKeyStore, keyStorePassword, trustStore, services,
                com.zeroui.kms.ops.AdmissionConfig.defaults());
    }

    public HttpServer(String bindAddress, int port, long maxRequestBytes, KeyStore serverKeyStore, char[] keyStorePassword,
                      KeyStore trustStore, ApiServices services, com.zeroui.kms.ops.AdmissionConfig admission) {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        ClientCertificates clientCertificates = new ClientCertificates(services.identities(), services.clock());
        ConsoleAuthentication consoleAuthentication = new ConsoleAuthentication(services.consoleSessions(),
                clientCertificates, services.pki().revoked()::isRevoked);
        Callers callers = new Callers(clientCertificates, services.tokens(), services.pki().revoked()::isRevoked,
                consoleAuthentication);
        this.callers = callers;
        PublicKeyRoutes publicKeys = new PublicKeyRoutes(services.publicKeys(), callers);
        KeyRoutes keys = new KeyRoutes(services.keys(), mapper, services.usageReserved(), services.clock());
        CryptoRoutes crypto = new CryptoRoutes(services.signing(), services.encryption(), mapper);
        MacRoutes macs = new MacRoutes(new com.zeroui.kms.keys.MacService(services.operations()), mapper);
        OpsRoutes ops = new OpsRoutes(services.health(), services.metrics(), services.effectiveConfig(), mapper);
        AuditRoutes audit = new AuditRoutes(services.audit(), services.receiptKeys(), mapper);
        ArchiveRoutes archives = new ArchiveRoutes(services.auditRetention());
        EventRoutes events = new EventRoutes(services.events(), mapper);
        LifecycleRoutes lifecycle = new LifecycleRoutes(services.lifecycle(), mapper);
        ApprovalRoutes approvals = new ApprovalRoutes(services.approvals(), mapper);
        ValidationRoutes validation = new ValidationRoutes(services.validation(), mapper);
        CertificateRoutes certificates = new CertificateRoutes(services.pki().certificates(), mapper);
        RevocationRoutes revocation = new RevocationRoutes(services.pki().crls(), services.pki().ocsp());
        TrustAnchorRoutes trust = new TrustAnchorRoutes(services.trustAnchors(), mapper);
        JettyErrorResponses jettyErrors = new JettyErrorResponses(mapper);
        ConsoleRoutes console = new ConsoleRoutes(consoleAuthentication, mapper);
        AdmissionHandler admissionHandler = admissionHandler(admission, mapper, services.metrics());
        QueuedThreadPool threads = threadPool(admission);
        services.metrics().registerHttpThreads(threads::getBusyThreads, threads::getThreads, threads.getMaxThreads());

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(serverKeyStore);
        tls.setKeyStorePassword(new String(keyStorePassword));
        tls.setTrustStore(trustStore);
        tls.setWantClientAuth(true);
        tls.setNeedClientAuth(false);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        tls.setSniRequired(false);
        // FIPS mode: the handshake runs in BCJSSE on the FIPS module, which offers only approved suites
        com.zeroui.kms.crypto.FipsModule.registered().ifPresent(fips -> {
            tls.setProvider(fips.jsseProvider().getName());
            tls.setKeyManagerFactoryAlgorithm("PKIX");
            tls.setTrustManagerFactoryAlgorithm("PKIX");
        });

        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = maxRequestBytes;
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.jetty.threadPool = threads;
            // Jetty's own rejections (bad URI, oversized headers) get the JSON envelope, not HTML.
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(jettyErrors);
                if (admissionHandler != null) {
                    server.setHandler(admissionHandler); // Javalin nests its servlet context inside
                }
            });
            config.jetty.modifyServletContextHandler(handler -> {
                handler.setErrorHandler(jettyErrors);
                handler.setSessionHandler(new Sessionless()); // the API keeps no servlet session (see Sessionless)
            });
            config.http.compressionStrategy = uncompressed();
            // Javalin copies each result into the response through a buffer of this size, allocated (and
            // zeroed) per response: 32 KiB by default, a measurable share of a small request's CPU. KMS
            // answers are smaller than this; larger ones take a few copies, and Jetty still aggregates them
            // into its own pooled output buffer, so a response under 32 KiB still leaves in one write.
            config.http.responseBufferSize = RESULT_COPY_BUFFER_BYTES;
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
            });
            config.jetty.addConnector((server, http) -> {
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                secure.setSniHostCheck(false);
                http.addCustomizer(secure);
                ServerConnector connector = new ServerConnector(server,
                        new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
                connector.setHost(bindAddress);
                connector.setPort(port);
                return connector;
            });
            // an Error (not an Exception) still gets a logged incident and a JSON ErrorResponse
            config.router.javaLangErrorHandler(ErrorResponses::handleError);
            config.requestLogger.http((ctx, millis) -> services.metrics().recordRequest(operationOf(ctx),
                    ctx.statusCode(), ctx.attribute(ErrorResponses.ATTR_ERROR_CODE), millis));

            var routes = config.routes;
            routes.before(ctx -> {
                ctx.header("Cache-Control", "no-store");
                if (!isPublic(ctx.method().name(), ctx.path())) {
                    callers.authenticate(ctx);
                }
            });
            registerOpen(routes, "GET", "/health", "health", ops::health);
            registerOpen(routes, "GET", "/metrics", "metrics", ops::metrics);
            register(routes, "GET", "/config", "config", ops::config);
            register(routes, "GET", "/compliance", "compliance", new ComplianceRoutes(services.compliance())::report);
            registerOpen(routes, "GET", "/openapi.json", "openapi", ops::openApi);
            register(routes, "POST", "/keys", "generate_key", keys::create);
            register(routes, "GET", "/keys", "list_keys", keys::list);
            KeyImportRoutes imports = new KeyImportRoutes(services.imports(), mapper);
            register(routes, "POST", "/keys/import-params", "import_params", imports::params);
            register(routes, "POST", "/keys/import", "import_key", imports::importKey);
            register(routes, "GET", "/keys/{key_id}/public", "get_public_key", publicKeys::publicKey); // before /keys/{key_id}
            register(routes, "GET", "/keys/{key_id}/usage", "get_key_usage", keys::usage); // before /keys/{key_id}
            register(routes, "GET", "/keys/{key_id}", "get_key", keys::get);
            register(routes, "POST", "/keys/{key_id}/rotate", "rotate_key", lifecycle::rotate);
            register(routes, "POST", "/keys/{key_id}/revoke", "revoke_key", lifecycle::revoke);
            register(routes, "POST", "/keys/{key_id}/schedule-destruction", "schedule_key_destruction",
                    lifecycle::scheduleDestruction);
            register(routes, "POST", "/keys/{key_id}/cancel-destruction", "cancel_key_destruction",
                    lifecycle::cancelDestruction);
            register(routes, "PUT", "/keys/{key_id}/policy", "update_key_policy", lifecycle::updatePolicy);
            registerOpen(routes, "GET", "/jwks", "jwks", publicKeys::jwks);
            register(routes, "POST", "/sign", "sign", crypto::sign);
            register(routes, "POST", "/verify", "verify", crypto::verify);
            register(routes, "POST", "/encrypt", "encrypt", crypto::encrypt);
            register(routes, "POST", "/decrypt", "decrypt", crypto::decrypt);
            register(routes, "POST", "/batch", "batch", new BatchRoutes(crypto, macs, mapper)::batch);
            register(routes, "POST", "/random", "random", new RandomRoutes(services.random(), mapper)::generate);
            register(routes, "POST", "/derive", "derive", new DerivationRoutes(services.derivation(), mapper)::derive);
            EnvelopeRoutes envelopes = new EnvelopeRoutes(services.envelopes(), mapper);
            register(routes, "POST", "/datakeys", "generate_data_key", envelopes::dataKey);
            register(routes, "POST", "/rewrap", "rewrap", envelopes::rewrap);
            register(routes, "POST", "/mac", "mac", macs::mac);
            register(routes, "POST", "/mac/verify", "mac_verify", macs::verify);
            register(routes, "GET", "/receipts/{receipt_id}", "get_receipt", audit::receipt);
            register(routes, "GET", "/audit/tree-head", "tree_head", audit::treeHead);
            register(routes, "GET", "/audit/consistency", "consistency_proof", audit::consistency);
            register(routes, "GET", "/audit/receipts", "search_receipts", audit::search);
            register(routes, "GET", "/audit/receipt-keys", "receipt_keys", audit::receiptKeys);
            register(routes, "GET", "/audit/archives", "list_audit_archives", archives::list);
            register(routes, "DELETE", "/audit/archives/{archive_file}", "delete_audit_archive", archives::delete);
            register(routes, "GET", "/service-keys", "service_keys", new ServiceKeyRoutes(services.serviceKeys())::list);
            register(routes, "GET", "/events", "event_feed", events::feed);
            register(routes, "POST", "/certificates/validate", "validate_certificate_chain", validation::validate);
            register(routes, "POST", "/crls", "ingest_crl", validation::ingestCrl);
            register(routes, "POST", "/approvals", "request_approval", approvals::request);
            register(routes, "GET", "/approvals/{approval_id}", "get_approval", approvals::get);
            register(routes, "POST", "/approvals/{approval_id}/approve", "approve", approvals::approve);
            register(routes, "POST", "/certificates", "issue_certificate", certificates::enroll);
            register(routes, "GET", "/certificates", "list_certificates", certificates::list);
            register(routes, "GET", "/certificates/{serial}", "get_certificate", certificates::get);
            register(routes, "POST", "/certificates/{serial}/revoke", "revoke_certificate", certificates::revoke);
            registerOpen(routes, "GET", "/ca/{ca_id}/crl", "get_crl", revocation::crl);
            registerOpen(routes, "POST", "/ocsp", "ocsp", revocation::ocspPost);
            registerOpen(routes, "GET", "/ocsp/{ocsp_request}", "ocsp_get", revocation::ocspGet);
            register(routes, "POST", "/trust-anchors", "add_trust_anchor", trust::add);
            register(routes, "GET", "/trust-anchors", "list_trust_anchors", trust::list);
            register(routes, "GET", "/trust-anchors/{trust_anchor_id}", "get_trust_anchor", trust::get);
            register(routes, "DELETE", "/trust-anchors/{trust_anchor_id}", "remove_trust_anchor", trust::remove);
            register(routes, "POST", "/trust-anchors/{trust_anchor_id}/revoke", "revoke_trust_anchor", trust::revoke);
            register(routes, "GET", "/trust-bundles/{plane}", "get_trust_bundle", trust::bundle);
            register(routes, "GET", "/approvals", "list_approvals", approvals::list);
            register(routes, "POST", "/console/login-links", "console_login_link", console::loginLink);
            // the operator console's own files and session (docs/console.md); its data comes from the routes above
            routes.get(ConsoleRoutes.PATH + "/", op("console", console::index)); // and /console: trailing slashes are ignored
            routes.get(ConsoleRoutes.PATH + "/session", op("console_session", console::session));
            routes.get(ConsoleRoutes.PATH + "/{file}", op("console", console::file));
            routes.post(ConsoleRoutes.PATH + "/session", op("console_session", console::exchange));
            routes.post(ConsoleRoutes.PATH + "/logout", op("console_logout", console::logout));

            routes.exception(KmsException.class, ErrorResponses::handle);
            routes.exception(HttpResponseException.class, (e, ctx) -> ErrorResponses.handleHttp(e, ctx, maxRequestBytes));
            routes.exception(Exception.class, ErrorResponses::handleUnexpected);
        });
    }

    private static final String ATTR_OPERATION = "kms.operation";
    static final int RESULT_COPY_BUFFER_BYTES = 4096;

    /**
     * Responses are never compressed. Over TLS, compressing a body that holds both a secret (a
     * decrypted plaintext, a data key, a token) and text the caller chose is the BREACH side channel,
     * and every KMS answer is small JSON. Javalin's default strategy also decided per response whether
     * to compress by scanning its list of excluded media types, several µs of every request's CPU
     * (issue 12); with no compressor and no exclusions that decision is one list lookup and never compresses.
     */
    static io.javalin.compression.CompressionStrategy uncompressed() {
        io.javalin.compression.CompressionStrategy none = new io.javalin.compression.CompressionStrategy(null, null);
        none.setExcludedMimeTypes(List.of());
        return none;
    }

    /**
     * Javalin puts a servlet {@code SessionHandler} in front of every route; nothing here uses servlet
     * sessions (the console keeps its own, {@link ConsoleAuthentication}), yet Jetty's handler looked up
     * a session id in the cookies and wrapped the response stream on every request. This one passes the
     * request straight on, so no request ever carries or creates a servlet session.
     */
    static final class Sessionless extends org.eclipse.jetty.ee10.servlet.SessionHandler {
        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                              org.eclipse.jetty.util.Callback callback) throws Exception {
            org.eclipse.jetty.server.Handler next = getHandler();
            return next != null && next.handle(request, response, callback);
        }
    }

    /**
     * Threads beyond the admission slots that the server needs: the connector's selectors and
     * acceptor (1–4 each), the pool's reserved threads (about one per core), and short tasks that
     * hold no slot: TLS handshakes, parsing request headers, refusals, health and metrics, a
     * resumed waiter on its way to its handler. A parked waiter needs none (ADR 0029, revised),
     * so the pool no longer grows with the queue or with the number of connections: at 400
     * keep-alive connections and the 16 slots of a 2-core default (ADR 0040) it stays at 16 + 32. Work beyond this waits in the
     * pool's task queue, at most one task per connection, instead of becoming another thread.
     */
    static final int THREADS_BEYOND_SLOTS = 32;
    /** Javalin's default bound, kept when admission control is off (then nothing else bounds handling). */
    static final int THREADS_WITHOUT_ADMISSION = 250;
    static final int MIN_THREADS = 8;

    /** The server's thread pool: the admission slots plus {@link #THREADS_BEYOND_SLOTS}. */
    static QueuedThreadPool threadPool(com.zeroui.kms.ops.AdmissionConfig admission) {
        int max = admission.enabled() ? admission.maxConcurrent() + THREADS_BEYOND_SLOTS : THREADS_WITHOUT_ADMISSION;
        QueuedThreadPool pool = new QueuedThreadPool(max, Math.min(MIN_THREADS, max), 60_000);
        pool.setName("JettyServerThreadPool");
        return pool;
    }

    /** Null when admission control is off; otherwise the gate, with its figures in the metrics. */
    private static AdmissionHandler admissionHandler(com.zeroui.kms.ops.AdmissionConfig admission, ObjectMapper mapper,
                                                     com.zeroui.kms.ops.Metrics metrics) {
        if (!admission.enabled()) {
            return null;
        }
        AdmissionGate gate = new AdmissionGate(admission);
        metrics.registerAdmission(gate::active, gate::queued, gate::rejected);
        try {
            return new AdmissionHandler(gate, Set.of(PREFIX + "/health", PREFIX + "/metrics"), mapper);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A registered route, in OpenAPI path syntax; the OpenAPI document is tested against this list. */
    public record Route(String method, String path, String operation) {
    }

    private final List<Route> routeTable = new ArrayList<>();

    /** Whether a request needs no client certificate: decided on the raw path, before routing. */
    static boolean isPublic(String method, String path) {
        if (isConsole(path)) {
            return true; // the console's files and session routes check the session themselves
        }
        return switch (method) {
            case "GET" -> PUBLIC_PATHS.contains(path) || PUBLIC_GET.matcher(path).matches();
            case "POST" -> PUBLIC_POST.contains(path);
            default -> false;
        };
    }

    /** /console and below: outside /kms/v1, so no API route can ever be reached through it. */
    static boolean isConsole(String path) {
        return path.equals(ConsoleRoutes.PATH) || path.startsWith(ConsoleRoutes.PATH + "/");
    }

    private void register(io.javalin.config.RoutesConfig routes, String method, String path, String operation,
                          Handler handler) {
        register(routes, method, path, operation, handler, false);
    }

    /** A route that answers callers without a client certificate; it must also be matched by {@link #isPublic}. */
    private void registerOpen(io.javalin.config.RoutesConfig routes, String method, String path, String operation,
                              Handler handler) {
        register(routes, method, path, operation, handler, true);
    }

    /**
     * Registers one route. {@code {key_id}} and {@code {ocsp_request}} become Javalin's
     * slash-accepting {@code <…>} so that {@code alias/<name>} works wherever a key id does, and
     * a base64 OCSP request may hold '/'.
     */
    private void register(io.javalin.config.RoutesConfig routes, String method, String path, String operation,
                          Handler handler, boolean open) {
        String full = PREFIX + path;
        if (open != isPublic(method, full.replaceAll("\\{[a-z_]+}", "x"))) {
            throw new IllegalStateException(method + " " + full + ": open routes and public paths must agree");
        }
        String javalinPath = full.replace("{key_id}", "<key_id>").replace("{ocsp_request}", "<ocsp_request>");
        Handler wrapped = op(operation, open ? handler : authenticated(handler));
        switch (method) {
            case "GET" -> routes.get(javalinPath, wrapped);
            case "POST" -> routes.post(javalinPath, wrapped);
            case "PUT" -> routes.put(javalinPath, wrapped);
            case "DELETE" -> routes.delete(javalinPath, wrapped);
            default -> throw new IllegalArgumentException(method);
        }
        routeTable.add(new Route(method, full, operation));
    }

    public List<Route> routes() {
        return List.copyOf(routeTable);
    }

    /** Defence in depth: a route that is not open never runs for a caller that was not authenticated. */
    private Handler authenticated(Handler handler) {
        return ctx -> {
            if (Callers.ifAuthenticated(ctx).isEmpty()) {
                callers.authenticate(ctx);
            }
            handler.handle(ctx);
        };
    }

    private static Handler op(String operation, Handler handler) {
        return ctx -> {
            ctx.attribute(ATTR_OPERATION, operation);
            handler.handle(ctx);
        };
    }

    private static String operationOf(Context ctx) {
        String op = ctx.attribute(ATTR_OPERATION);
        return op == null ? "unmatched" : op;
    }

    public HttpServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}

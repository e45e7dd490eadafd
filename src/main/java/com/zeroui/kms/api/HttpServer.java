package com.zeroui.kms.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

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
    /** No client certificate needed. /jwks still identifies (and audits) a caller who presents one. */
    private static final Set<String> PUBLIC_PATHS = Set.of(PREFIX + "/health", PREFIX + "/metrics", PREFIX + "/jwks");

    private final Javalin app;

    public HttpServer(String bindAddress, int port, long maxRequestBytes, KeyStore serverKeyStore, char[] keyStorePassword,
                      KeyStore trustStore, ApiServices services) {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        Callers callers = new Callers(services.identities(), services.tokens());
        PublicKeyRoutes publicKeys = new PublicKeyRoutes(services.publicKeys(), callers);
        KeyRoutes keys = new KeyRoutes(services.keys(), mapper);
        CryptoRoutes crypto = new CryptoRoutes(services.signing(), services.encryption(), mapper);
        OpsRoutes ops = new OpsRoutes(services.health(), services.metrics(), services.effectiveConfig());
        AuditRoutes audit = new AuditRoutes(services.audit(), services.receiptKeys(), mapper);
        EventRoutes events = new EventRoutes(services.events(), mapper);
        TrustAnchorRoutes trust = new TrustAnchorRoutes(services.trustAnchors(), mapper);
        JettyErrorResponses jettyErrors = new JettyErrorResponses(mapper);

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(serverKeyStore);
        tls.setKeyStorePassword(new String(keyStorePassword));
        tls.setTrustStore(trustStore);
        tls.setWantClientAuth(true);
        tls.setNeedClientAuth(false);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        tls.setSniRequired(false);

        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = maxRequestBytes;
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(mapper, false));
            // Jetty's own rejections (bad URI, oversized headers) get the JSON envelope, not HTML.
            config.jetty.modifyServer(server -> server.setErrorHandler(jettyErrors));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(jettyErrors));
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
                if (!(ctx.method().name().equals("GET") && PUBLIC_PATHS.contains(ctx.path()))) {
                    callers.authenticate(ctx);
                }
            });
            register(routes, "GET", "/health", "health", ops::health);
            register(routes, "GET", "/metrics", "metrics", ops::metrics);
            register(routes, "GET", "/config", "config", ops::config);
            register(routes, "GET", "/openapi.json", "openapi", ops::openApi);
            register(routes, "POST", "/keys", "generate_key", keys::create);
            register(routes, "GET", "/keys", "list_keys", keys::list);
            register(routes, "GET", "/keys/{key_id}/public", "get_public_key", publicKeys::publicKey); // before /keys/{key_id}
            register(routes, "GET", "/keys/{key_id}", "get_key", keys::get);
            register(routes, "GET", "/jwks", "jwks", publicKeys::jwks);
            register(routes, "POST", "/sign", "sign", crypto::sign);
            register(routes, "POST", "/verify", "verify", crypto::verify);
            register(routes, "POST", "/encrypt", "encrypt", crypto::encrypt);
            register(routes, "POST", "/decrypt", "decrypt", crypto::decrypt);
            register(routes, "GET", "/receipts/{receipt_id}", "get_receipt", audit::receipt);
            register(routes, "GET", "/audit/tree-head", "tree_head", audit::treeHead);
            register(routes, "GET", "/audit/consistency", "consistency_proof", audit::consistency);
            register(routes, "GET", "/audit/receipts", "search_receipts", audit::search);
            register(routes, "GET", "/audit/receipt-keys", "receipt_keys", audit::receiptKeys);
            register(routes, "GET", "/events", "event_feed", events::feed);
            register(routes, "POST", "/trust-anchors", "add_trust_anchor", trust::add);
            register(routes, "GET", "/trust-anchors", "list_trust_anchors", trust::list);
            register(routes, "GET", "/trust-anchors/{trust_anchor_id}", "get_trust_anchor", trust::get);
            register(routes, "DELETE", "/trust-anchors/{trust_anchor_id}", "remove_trust_anchor", trust::remove);
            register(routes, "GET", "/trust-bundles/{plane}", "get_trust_bundle", trust::bundle);

            routes.exception(KmsException.class, ErrorResponses::handle);
            routes.exception(HttpResponseException.class, (e, ctx) -> ErrorResponses.handleHttp(e, ctx, maxRequestBytes));
            routes.exception(Exception.class, ErrorResponses::handleUnexpected);
        });
    }

    private static final String ATTR_OPERATION = "kms.operation";

    /** A registered route, in OpenAPI path syntax; the OpenAPI document is tested against this list. */
    public record Route(String method, String path, String operation) {
    }

    private final List<Route> routeTable = new ArrayList<>();

    /**
     * Registers one route. {@code {key_id}} becomes Javalin's slash-accepting {@code <key_id>} so
     * that {@code alias/<name>} works wherever a key id does.
     */
    private void register(io.javalin.config.RoutesConfig routes, String method, String path, String operation,
                          Handler handler) {
        String full = PREFIX + path;
        String javalinPath = full.replace("{key_id}", "<key_id>");
        Handler wrapped = op(operation, handler);
        switch (method) {
            case "GET" -> routes.get(javalinPath, wrapped);
            case "POST" -> routes.post(javalinPath, wrapped);
            case "DELETE" -> routes.delete(javalinPath, wrapped);
            default -> throw new IllegalArgumentException(method);
        }
        routeTable.add(new Route(method, full, operation));
    }

    public List<Route> routes() {
        return List.copyOf(routeTable);
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

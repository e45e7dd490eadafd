package com.zeroui.kms.app;

import com.zeroui.kms.api.ApiServices;
import com.zeroui.kms.api.HttpServer;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.ops.KmsConfig;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicReference;

/** HTTP wiring, the last start-up step: TLS with a freshly minted server certificate, then serving. */
final class HttpWiring {
    private HttpWiring() {
    }

    /**
     * Starts serving {@code services}; {@code serving} is set before the start, for the port of
     * {@code --port 0}. The server is registered before it starts: a start that fails (port in use)
     * still releases what Jetty opened.
     */
    static HttpServer start(KmsConfig config, DataDirectory data, CryptoSuite crypto, ApiServices services,
                            AtomicReference<HttpServer> serving, StartedResources started)
            throws GeneralSecurityException, java.io.IOException {
        char[] password = TlsStores.randomPassword();
        KeyStore serverKeys = TlsStores.serverKeyStore(data, config, crypto, password);
        HttpServer http = started.add("HTTP server", new HttpServer(config.bindAddress(), config.port(),
                config.maxRequestBytes(), serverKeys, password, TlsStores.trustStore(data, crypto), services,
                config.limits().admission()));
        serving.set(http);
        http.start();
        return http;
    }
}

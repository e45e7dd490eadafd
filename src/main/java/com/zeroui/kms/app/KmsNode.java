package com.zeroui.kms.app;

import com.zeroui.kms.api.ApiServices;
import com.zeroui.kms.api.HttpServer;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.keys.AeadInvocationBudget;
import com.zeroui.kms.keys.EncryptionService;
import com.zeroui.kms.keys.KeyManagementService;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keys.SigningService;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcKeyRepository;
import com.zeroui.kms.trust.InternalCa;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One running KMS node: the composition root that wires storage, master key, crypto, services and
 * HTTP. A node keeps no state another node cannot rebuild from the database: its TLS server
 * certificate is minted from the internal CA at every start and held only in memory.
 */
public final class KmsNode implements AutoCloseable {
    private final DataDirectory data;
    private final HttpServer http;
    private final CryptoSuite crypto;

    private KmsNode(DataDirectory data, HttpServer http, CryptoSuite crypto) {
        this.data = data;
        this.http = http;
        this.crypto = crypto;
    }

    public static KmsNode start(KmsConfig config, Clock clock) {
        CryptoSuite crypto = CryptoSuite.select(config.cryptoProvider());
        DataDirectory data = DataDirectory.open(config, clock);
        try {
            JdbcKeyRepository keys = new JdbcKeyRepository(data.database());
            KeyMaterialCache material = new KeyMaterialCache(data.masterKey(), crypto, config.keyCacheSize());
            AeadInvocationBudget budget = new AeadInvocationBudget(keys, config.aeadInvocationLimit());
            Metrics metrics = new Metrics(keys::countByTypeAndState);
            HealthService health = new HealthService(List.of(
                    new HealthService.NamedCheck("storage", true, data.database()::ping),
                    new HealthService.NamedCheck("master_key", true, data.masterKey()::selfTest),
                    new HealthService.NamedCheck("crypto_provider", true, crypto::selfTest)),
                    Map.of("crypto_provider", crypto.preferredProvider(), "master_key_id", data.masterKey().keyId()));
            ApiServices services = new ApiServices(
                    new KeyManagementService(keys, material, crypto, clock, config.maxUsagePerDayDefault(),
                            data.masterKey().keyId()),
                    new SigningService(keys, material, crypto),
                    new EncryptionService(keys, material, crypto, budget),
                    health, metrics, effectiveConfig(config, crypto, budget), config.identities());

            char[] password = randomPassword();
            KeyStore serverKeys = serverKeyStore(data, config, password);
            HttpServer http = new HttpServer(config.bindAddress(), config.port(), config.maxRequestBytes(), serverKeys,
                    password, trustStore(data), services).start();
            return new KmsNode(data, http, crypto);
        } catch (RuntimeException | GeneralSecurityException | java.io.IOException e) {
            data.close();
            throw e instanceof StartupException se ? se : new StartupException("start-up failed: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> effectiveConfig(KmsConfig config, CryptoSuite crypto, AeadInvocationBudget budget) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_rotation_schedule", config.rotationSchedule().toString());
        m.put("rotation_grace_period", config.rotationGracePeriod().toString());
        m.put("allowed_algorithms", List.of(SignatureAlgorithm.RS256.apiName(), SignatureAlgorithm.PS256.apiName(),
                SignatureAlgorithm.EDDSA.apiName(), AeadAlgorithm.AES_256_GCM.apiName(),
                AeadAlgorithm.CHACHA20_POLY1305.apiName()));
        m.put("max_usage_per_day_default", config.maxUsagePerDayDefault());
        m.put("dual_authorization_required_operations", List.of());
        m.put("crypto_provider", crypto.preferredProvider());
        m.put("crypto_providers", crypto.providersByPrimitive());
        m.put("max_request_bytes", config.maxRequestBytes());
        m.put("aead_invocation_limit_per_key", budget.limit());
        m.put("trust_domain", config.trustDomain());
        m.put("tls_protocols", List.of("TLSv1.3", "TLSv1.2"));
        m.put("storage", config.databaseUrl().startsWith("jdbc:sqlite:") ? "sqlite" : "postgresql");
        return m;
    }

    private static char[] randomPassword() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b).toCharArray();
    }

    private static KeyStore serverKeyStore(DataDirectory data, KmsConfig config, char[] password)
            throws GeneralSecurityException, java.io.IOException {
        KeyPair keys = InternalCa.newEcKeyPair();
        X509Certificate cert = data.ca().ca().issueServer(keys.getPublic(), config.hostnames(), config.serverCertificateTtl());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), password,
                new Certificate[] {cert, data.ca().ca().issuing(), data.ca().ca().root()});
        return store;
    }

    private static KeyStore trustStore(DataDirectory data) throws GeneralSecurityException, java.io.IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("internal-root", data.ca().ca().root());
        return store;
    }

    public int port() {
        return http.port();
    }

    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    public DataDirectory data() {
        return data;
    }

    public CryptoSuite crypto() {
        return crypto;
    }

    @Override
    public void close() {
        http.close();
        data.close();
    }
}

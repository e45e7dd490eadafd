package com.zeroui.kms.trust.pki;

import com.zeroui.kms.stats.LatencyStats;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.keystore.SoftwareMasterKeyProvider;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.trust.InternalCa;
import com.zeroui.kms.trust.validation.ChainValidator;
import com.zeroui.kms.trust.validation.Purpose;
import com.zeroui.kms.trust.validation.RevocationMode;
import com.zeroui.kms.trust.validation.ValidationLatency;
import com.zeroui.kms.trust.validation.ValidationRequest;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Issue 5 §6 at scale: 50,000 certificates issued by the internal issuing CA, 10,000 of them
 * revoked through the certificate store, then CRL generation (time, size), OCSP answers (in
 * process, through {@link OcspResponder}), chain validation of leaf + issuing + root against the
 * 10,000-entry CRL with revocation required, and the expiring-certificates count behind the
 * {@code kms_certificates_expiring} metric. Not a test (no Test/IT suffix): run it by hand,
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) com.zeroui.kms.trust.pki.PkiScaleBenchmark [--pg]}.
 * With {@code --pg} the store is a fresh database on PostgreSQL at 127.0.0.1:5432 (trust auth),
 * dropped afterwards.
 */
public final class PkiScaleBenchmark {
    private static final int ISSUED = 50_000;
    private static final int REVOKED = 10_000;
    /** Revocations timed one by one with the CRL re-signed after each, as a revocation does in the service. */
    private static final int TIMED_REVOCATIONS = 5;
    private static final int OCSP_REQUESTS = 2_000;
    private static final int VALIDATIONS = 5_000;
    private static final int INSERT_BATCH = 1_000;

    private PkiScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean pg = List.of(args).contains("--pg");
        Path dir = Files.createTempDirectory("pki-scale");
        String name = "kms_scale_" + System.currentTimeMillis();
        if (pg) {
            postgres("CREATE DATABASE " + name);
        }
        String url = pg ? "jdbc:postgresql://127.0.0.1:5432/" + name : "jdbc:sqlite:" + dir.resolve("kms.db");
        List<String[]> rows = new ArrayList<>();
        try (Database database = Database.open(url, pg ? "postgres" : null, null)) {
            run(database, dir, rows);
        } finally {
            if (pg) {
                postgres("DROP DATABASE IF EXISTS " + name);
            }
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        System.out.println();
        System.out.println("| measurement (" + (pg ? "PostgreSQL" : "SQLite") + ") | result |");
        System.out.println("|---|---|");
        rows.forEach(r -> System.out.println("| " + r[0] + " | " + r[1] + " |"));
    }

    private static void run(Database database, Path dir, List<String[]> rows) throws Exception {
        Clock clock = Clock.systemUTC();
        InternalCa.Generated generated = InternalCa.generate("bench.local", clock);
        InternalCa ca = generated.ca();
        JdbcCertificateStore store = new JdbcCertificateStore(database);
        RevocationPointers pointers = new RevocationPointers(() -> URI.create("https://kms.bench.local:8443"));

        // 1. issue 50,000 real certificates (one shared leaf key: the CA's signature is the cost) and load them
        KeyPair leafKeys = InternalCa.newEcKeyPair();
        long start = System.nanoTime();
        List<String> serials = new ArrayList<>(ISSUED);
        List<CertificateRecord> batch = new ArrayList<>(INSERT_BATCH);
        X509Certificate keptLeaf = null;
        long issueNanos = 0;
        for (int i = 0; i < ISSUED; i++) {
            long t = System.nanoTime();
            String subject = "spiffe://bench.local/tenant/t" + (i % 50) + "/module/m" + i;
            // lifetimes of 1..90 days, so the expiring counts have something to count
            X509Certificate cert = ca.issue(leafKeys.getPublic(), new X500Name("CN=m" + i + ",O=ZeroUI"),
                    List.of(new GeneralName(GeneralName.uniformResourceIdentifier, subject)), KeyPurposeId.id_kp_clientAuth,
                    KeyUsage.digitalSignature, Duration.ofDays(1 + i % 90), pointers.extensionsFor(InternalCa.ISSUING_ID));
            issueNanos += System.nanoTime() - t;
            if (i == ISSUED - 1) {
                keptLeaf = cert;
            }
            String serial = cert.getSerialNumber().toString(16);
            serials.add(serial);
            batch.add(new CertificateRecord(serial, InternalCa.ISSUING_ID, subject, CertificateProfile.CLIENT.apiName(),
                    cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), Pem.certificate(cert),
                    clock.instant().truncatedTo(ChronoUnit.MILLIS), false, null, null, null, "EC-P256"));
            if (batch.size() == INSERT_BATCH) {
                insertBatch(database, batch);
                batch.clear();
            }
        }
        insertBatch(database, batch);
        rows.add(new String[] {"issue " + ISSUED + " certificates (ECDSA P-256 signatures)", ms(issueNanos)});
        rows.add(new String[] {"issue + load " + ISSUED + " rows (batches of " + INSERT_BATCH + ")", ms(System.nanoTime() - start)});

        // 2. revoke 10,000 (not the last one, the validated leaf) through the store's compare-and-set
        start = System.nanoTime();
        for (int i = 0; i < REVOKED - TIMED_REVOCATIONS; i++) {
            revoke(store, serials.get(i * 4), clock);
        }
        long revokeNanos = System.nanoTime() - start;
        rows.add(new String[] {"revoke " + (REVOKED - TIMED_REVOCATIONS) + " through the store, one transaction each",
                ms(revokeNanos) + " (" + String.format(Locale.ROOT, "%.2f", revokeNanos / 1e6 / (REVOKED - TIMED_REVOCATIONS))
                        + " ms each)"});

        // 3. CRL: each timed revocation re-signs the issuing CA's CRL, as CertificateService does
        CrlPublisher crls = new CrlPublisher(store, Map.of(InternalCa.ROOT_ID, ca.root(), InternalCa.ISSUING_ID, ca.issuing()),
                caId -> InternalCa.ROOT_ID.equals(caId) ? generated.rootKeys().getPrivate() : generated.issuingKeys().getPrivate(),
                Duration.ofDays(1), clock);
        crls.current(InternalCa.ISSUING_ID); // warm-up
        long[] crlSamples = new long[TIMED_REVOCATIONS];
        for (int i = 0; i < TIMED_REVOCATIONS; i++) {
            revoke(store, serials.get((REVOKED - TIMED_REVOCATIONS + i) * 4), clock);
            long t = System.nanoTime();
            crls.current(InternalCa.ISSUING_ID);
            crlSamples[i] = System.nanoTime() - t;
        }
        CertificateStore.SignedCrl signed = crls.current(InternalCa.ISSUING_ID);
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(signed.der()));
        X509CRL rootCrl = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(crls.current(InternalCa.ROOT_ID).der()));
        LatencyStats crlStats = LatencyStats.ofUnsorted(crlSamples);
        rows.add(new String[] {"CRL generation (read revoked rows, build, sign, store), median of " + TIMED_REVOCATIONS,
                String.format(Locale.ROOT, "%.1f ms (max %.1f ms)", crlStats.p50Millis(), crlStats.maxMillis())});
        rows.add(new String[] {"CRL size (DER) / entries", signed.der().length + " bytes / " + crl.getRevokedCertificates().size()});

        // 4. OCSP in process: half good, half revoked serials, each request with a nonce
        OcspResponder responder = new OcspResponder(store, new OcspSigningKey(store, ca,
                SoftwareMasterKeyProvider.create(dir.resolve("master.key")), clock), ca, clock);
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        JcaX509CertificateHolder issuer = new JcaX509CertificateHolder(ca.issuing());
        long[] good = new long[OCSP_REQUESTS / 2];
        long[] revoked = new long[OCSP_REQUESTS / 2];
        for (int round = 0; round < 2; round++) { // round 0 warms up
            for (int i = 0; i < OCSP_REQUESTS; i++) {
                boolean askRevoked = i % 2 == 1;
                String serial = askRevoked ? serials.get((i * 7 % REVOKED) * 4) : serials.get((i * 7 % REVOKED) * 4 + 1);
                byte[] nonce = new byte[16];
                ThreadLocalRandom.current().nextBytes(nonce);
                byte[] request = new OCSPReqBuilder().addRequest(new CertificateID(digests.get(CertificateID.HASH_SHA1),
                                issuer, new BigInteger(serial, 16)))
                        .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                                new DEROctetString(nonce).getEncoded()))).build().getEncoded();
                long t = System.nanoTime();
                byte[] response = responder.respond(request);
                long took = System.nanoTime() - t;
                Object status = ((BasicOCSPResp) new OCSPResp(response).getResponseObject()).getResponses()[0].getCertStatus();
                if (askRevoked != (status instanceof RevokedStatus)) {
                    throw new IllegalStateException("OCSP answered " + status + " for " + serial);
                }
                (askRevoked ? revoked : good)[i / 2] = took;
            }
        }
        LatencyStats goodStats = LatencyStats.ofUnsorted(good);
        LatencyStats revokedStats = LatencyStats.ofUnsorted(revoked);
        rows.add(new String[] {"OCSP in process, good serial (" + good.length + " requests)", percentiles(goodStats)});
        rows.add(new String[] {"OCSP in process, revoked serial (" + revoked.length + " requests)", percentiles(revokedStats)});

        // 5. chain validation: leaf + issuing, root as anchor, revocation required, the 10,000-entry CRL
        ValidationRequest request = ValidationRequest.builder().chain(keptLeaf, ca.issuing()).trustAnchors(ca.root())
                .purpose(Purpose.CLIENT_AUTH).revocationMode(RevocationMode.REQUIRE).crls(List.of(crl, rootCrl)).build();
        ValidationLatency.Measurement m = ValidationLatency.measure(new ChainValidator(), request, 2_000, VALIDATIONS);
        rows.add(new String[] {"chain validation, 3 certificates, CRL of " + crl.getRevokedCertificates().size()
                + " entries (" + VALIDATIONS + " runs, outcome " + m.reason() + ")", percentiles(m.latency())
                + (m.latency().p99Millis() < 10 ? " — target p99 < 10 ms: pass" : " — target p99 < 10 ms: FAIL")});

        // 6. the metric's COUNT queries (no index on not_after: a scan)
        for (int days : new int[] {7, 30}) {
            long[] samples = new long[20];
            long count = 0;
            for (int i = 0; i < samples.length; i++) {
                Instant now = clock.instant();
                long t = System.nanoTime();
                count = store.countExpiring(now, now.plus(Duration.ofDays(days)));
                samples[i] = System.nanoTime() - t;
            }
            rows.add(new String[] {"kms_certificates_expiring{within=\"" + days + "d\"} query (median of 20)",
                    String.format(Locale.ROOT, "%.1f ms, %d certificates", LatencyStats.ofUnsorted(samples).p50Millis(), count)});
        }
    }

    private static void revoke(CertificateStore store, String serial, Clock clock) {
        CertificateRecord current = store.find(serial).orElseThrow();
        if (!store.changeRevocation(current, current.withRevocation(true, clock.instant().truncatedTo(ChronoUnit.SECONDS),
                RevocationReason.KEY_COMPROMISE))) {
            throw new IllegalStateException("revoking " + serial + " lost a race nobody runs");
        }
    }

    /** Bulk load for the set-up (the service inserts one row per enrollment; 50,000 of those is not what is measured). */
    private static void insertBatch(Database database, List<CertificateRecord> records) throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (var ps = c.prepareStatement("INSERT INTO kms_issued_certificates (serial, ca_id, subject_uri, profile, "
                    + "not_before, not_after, certificate_pem, created_at, status, key_algorithm) VALUES (?,?,?,?,?,?,?,?,'active',?)")) {
                for (CertificateRecord r : records) {
                    ps.setString(1, r.serial());
                    ps.setString(2, r.caId());
                    ps.setString(3, r.subject());
                    ps.setString(4, r.profile());
                    ps.setLong(5, r.notBefore().toEpochMilli());
                    ps.setLong(6, r.notAfter().toEpochMilli());
                    ps.setString(7, r.certificatePem());
                    ps.setLong(8, r.issuedAt().toEpochMilli());
                    ps.setString(9, r.keyAlgorithm());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    private static void postgres(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null);
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private static String percentiles(LatencyStats s) {
        return String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms, max %.3f ms", s.p50Millis(), s.p99Millis(), s.maxMillis());
    }
}

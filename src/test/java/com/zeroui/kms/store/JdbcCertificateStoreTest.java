package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.pki.CertificateRecord;
import com.zeroui.kms.trust.pki.CertificateStore;
import com.zeroui.kms.trust.pki.CertificateStore.ListFilter;
import com.zeroui.kms.trust.pki.RevocationReason;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcCertificateStoreTest {
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcCertificateStore certificates;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("certificates");
        database = store.open();
        certificates = new JdbcCertificateStore(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
        database = null;
        store = null;
    }

    private static String serial() {
        return UUID.randomUUID().toString().replace("-", "").replaceFirst("^0+", "");
    }

    private static CertificateRecord record(String caId, String subject, Instant issuedAt, Instant notAfter) {
        return new CertificateRecord(serial(), caId, subject, "client", issuedAt.minusSeconds(300), notAfter, PEM, issuedAt,
                false, null, null, "spiffe://zeroui.local/module/kms-admin", "EC-P256");
    }

    @Test
    void insertsAndReadsBackEveryColumn() {
        CertificateRecord r = new CertificateRecord(serial(), "ca-read", "spiffe://zeroui.local/module/M1", "server",
                T0.minusSeconds(300), T0.plus(1, ChronoUnit.DAYS), PEM, T0.plusMillis(7), true, T0.plusSeconds(60),
                RevocationReason.CERTIFICATE_HOLD, null, "RSA-3072");
        certificates.insert(r);
        assertThat(certificates.find(r.serial())).contains(r);
        assertThat(certificates.find("ffff" + r.serial())).isEmpty();
    }

    @Test
    void listsInIssueOrderWithFiltersAndMarks() {
        String subject = "spiffe://zeroui.local/tenant/list-" + backend + "/module/M1";
        CertificateRecord a = record("ca-list", subject, T0, T0.plus(1, ChronoUnit.DAYS));
        CertificateRecord b = record("ca-list", subject, T0.plusMillis(1), T0.plus(10, ChronoUnit.DAYS));
        CertificateRecord c = record("ca-list", subject, T0.plusMillis(1), T0.plus(20, ChronoUnit.DAYS));
        CertificateRecord other = record("ca-list", subject + "x", T0.plusMillis(2), T0.plus(1, ChronoUnit.DAYS));
        for (CertificateRecord r : List.of(c, other, a, b)) {
            certificates.insert(r);
        }
        List<String> sameMillis = b.serial().compareTo(c.serial()) < 0 ? List.of(b.serial(), c.serial()) : List.of(c.serial(), b.serial());
        List<CertificateRecord> all = certificates.list(new ListFilter(null, subject, null, T0, null), 10);
        assertThat(all).extracting(CertificateRecord::serial).containsExactly(a.serial(), sameMillis.get(0), sameMillis.get(1));
        List<CertificateRecord> afterFirst = certificates.list(new ListFilter(null, subject, null, T0,
                new CertificateStore.PageMark(a.issuedAt(), a.serial())), 1);
        assertThat(afterFirst).extracting(CertificateRecord::serial).containsExactly(sameMillis.get(0));
        assertThat(certificates.list(new ListFilter(null, subject, T0.plus(5, ChronoUnit.DAYS), T0, null), 10))
                .extracting(CertificateRecord::serial).containsExactly(a.serial());
        Instant later = T0.plus(15, ChronoUnit.DAYS);
        assertThat(certificates.list(new ListFilter(CertificateRecord.Status.EXPIRED, subject, null, later, null), 10))
                .extracting(CertificateRecord::serial).containsExactlyInAnyOrder(a.serial(), b.serial());
        assertThat(certificates.list(new ListFilter(CertificateRecord.Status.ACTIVE, subject, null, later, null), 10))
                .extracting(CertificateRecord::serial).containsExactly(c.serial());
        assertThat(certificates.changeRevocation(c, c.withRevocation(true, T0, RevocationReason.SUPERSEDED))).isTrue();
        assertThat(certificates.list(new ListFilter(CertificateRecord.Status.REVOKED, subject, null, later, null), 10))
                .extracting(CertificateRecord::serial).containsExactly(c.serial());
        assertThat(certificates.list(new ListFilter(CertificateRecord.Status.ACTIVE, subject, null, later, null), 10)).isEmpty();
    }

    @Test
    void revocationIsCompareAndSetAndCountsInTheCasEpoch() {
        String caId = "ca-rev-" + backend;
        CertificateRecord r = record(caId, "spiffe://zeroui.local/module/M2", T0, T0.plus(1, ChronoUnit.DAYS));
        certificates.insert(r);
        long epochs = certificates.revocationEpochs();
        assertThat(certificates.crl(caId)).isEmpty();

        CertificateRecord held = r.withRevocation(true, T0.plusSeconds(5), RevocationReason.CERTIFICATE_HOLD);
        assertThat(certificates.changeRevocation(r, held)).isTrue();
        assertThat(certificates.changeRevocation(r, r.withRevocation(true, T0, RevocationReason.KEY_COMPROMISE)))
                .as("stale expectation").isFalse();
        assertThat(certificates.find(r.serial())).contains(held);
        assertThat(certificates.crl(caId).orElseThrow().revocationEpoch()).isEqualTo(1);
        assertThat(certificates.revocationEpochs()).isEqualTo(epochs + 1);

        CertificateRecord released = held.withRevocation(false, null, null);
        assertThat(certificates.changeRevocation(held, released)).isTrue();
        assertThat(certificates.find(r.serial())).contains(released);
        assertThat(certificates.crl(caId).orElseThrow().revocationEpoch()).isEqualTo(2);
    }

    @Test
    void revokedListsLeaveOutExpiredCertificates() {
        String caId = "ca-crl-" + backend;
        CertificateRecord live = record(caId, "spiffe://zeroui.local/module/M3", T0, T0.plus(10, ChronoUnit.DAYS));
        CertificateRecord expiring = record(caId, "spiffe://zeroui.local/module/M3", T0, T0.plus(1, ChronoUnit.DAYS));
        CertificateRecord fine = record(caId, "spiffe://zeroui.local/module/M3", T0, T0.plus(10, ChronoUnit.DAYS));
        for (CertificateRecord r : List.of(live, expiring, fine)) {
            certificates.insert(r);
        }
        certificates.changeRevocation(live, live.withRevocation(true, T0, RevocationReason.KEY_COMPROMISE));
        certificates.changeRevocation(expiring, expiring.withRevocation(true, T0, RevocationReason.UNSPECIFIED));
        assertThat(certificates.revokedBy(caId, T0.plusSeconds(1))).extracting(CertificateRecord::serial)
                .containsExactlyInAnyOrder(live.serial(), expiring.serial());
        assertThat(certificates.revokedBy(caId, T0.plus(2, ChronoUnit.DAYS))).extracting(CertificateRecord::serial)
                .containsExactly(live.serial());
        assertThat(certificates.revokedSerials(T0.plus(2, ChronoUnit.DAYS))).contains(live.serial())
                .doesNotContain(expiring.serial(), fine.serial());
    }

    @Test
    void crlsArePublishedByCompareAndSetOnTheirNumber() {
        String caId = "ca-pub-" + backend;
        CertificateStore.SignedCrl first = new CertificateStore.SignedCrl(1, 0, T0, T0.plusSeconds(3600), new byte[] {1, 2});
        assertThat(certificates.publishCrl(caId, 0, first)).isTrue();
        assertThat(certificates.publishCrl(caId, 0, new CertificateStore.SignedCrl(1, 0, T0, T0, new byte[] {9})))
                .as("someone else published number 1").isFalse();
        CertificateStore.CrlState state = certificates.crl(caId).orElseThrow();
        assertThat(state.crlNumber()).isEqualTo(1);
        assertThat(state.cached().der()).containsExactly(1, 2);
        assertThat(state.cached().thisUpdate()).isEqualTo(T0);
        assertThat(certificates.publishCrl(caId, 1, new CertificateStore.SignedCrl(2, 3, T0.plusSeconds(1), T0.plusSeconds(2),
                new byte[] {3}))).isTrue();
        assertThat(certificates.crl(caId).orElseThrow().cached().builtEpoch()).isEqualTo(3);
    }

    @Test
    void ocspRespondersAreInsertedOnceAndReplacedByCompareAndSet() {
        String caId = "ca-ocsp-" + backend;
        CertificateStore.StoredResponder first = new CertificateStore.StoredResponder(caId, "aa", PEM,
                JdbcKeyRepositoryTest.everyByteValue(), "mk", T0.plusSeconds(10), T0);
        assertThat(certificates.ocspResponder(caId)).isEmpty();
        assertThat(certificates.replaceOcspResponder(null, first)).isTrue();
        assertThat(certificates.replaceOcspResponder(null, first)).as("a second first").isFalse();
        CertificateStore.StoredResponder read = certificates.ocspResponder(caId).orElseThrow();
        assertThat(read.serial()).isEqualTo("aa");
        assertThat(read.wrappedPrivateKey()).isEqualTo(JdbcKeyRepositoryTest.everyByteValue());
        CertificateStore.StoredResponder next = new CertificateStore.StoredResponder(caId, "bb", PEM, new byte[] {1}, "mk",
                T0.plusSeconds(20), T0.plusSeconds(5));
        assertThat(certificates.replaceOcspResponder("zz", next)).isFalse();
        assertThat(certificates.replaceOcspResponder("aa", next)).isTrue();
        assertThat(certificates.ocspResponder(caId).orElseThrow().serial()).isEqualTo("bb");
        assertThat(certificates.ocspResponder(caId).orElseThrow().notAfter()).isEqualTo(T0.plusSeconds(20));
    }
}

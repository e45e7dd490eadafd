package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.CaRepository.IssuedCertificate;
import com.zeroui.kms.trust.CaRepository.StoredCa;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcCaRepositoryTest {
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcCaRepository cas;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("ca_repository");
        database = store.open();
        cas = new JdbcCaRepository(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
        database = null;
        store = null;
    }

    @Test
    void firstInsertWinsAndReadsBackExactly() {
        String caId = "root-" + UUID.randomUUID();
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        StoredCa first = new StoredCa(caId, "root", PEM, JdbcKeyRepositoryTest.everyByteValue(), "mk-1", created);
        StoredCa second = new StoredCa(caId, "issuing", PEM + PEM, JdbcKeyRepositoryTest.randomBytes(100), "mk-2",
                created.plusSeconds(5));

        assertThat(cas.find(caId)).isEmpty();
        assertThat(cas.insertIfAbsent(first)).isTrue();
        assertThat(cas.insertIfAbsent(second)).isFalse();

        StoredCa read = cas.find(caId).orElseThrow();
        assertThat(read).usingRecursiveComparison().isEqualTo(first);
        assertThat(read.wrappedPrivateKey()).isEqualTo(JdbcKeyRepositoryTest.everyByteValue());
    }

    @Test
    void recordsIssuedCertificates() throws SQLException {
        String serial = UUID.randomUUID().toString().replace("-", "");
        Instant notBefore = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant notAfter = notBefore.plus(1, ChronoUnit.DAYS);
        cas.recordIssued(new IssuedCertificate(serial, "issuing", "spiffe://zeroui.local/module/M21", "client", notBefore,
                notAfter, PEM));

        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT ca_id, subject_uri, profile, not_before, not_after, "
                     + "certificate_pem FROM kms_issued_certificates WHERE serial = ?")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("issuing");
                assertThat(rs.getString(2)).isEqualTo("spiffe://zeroui.local/module/M21");
                assertThat(rs.getString(3)).isEqualTo("client");
                assertThat(rs.getLong(4)).isEqualTo(notBefore.toEpochMilli());
                assertThat(rs.getLong(5)).isEqualTo(notAfter.toEpochMilli());
                assertThat(rs.getString(6)).isEqualTo(PEM);
                assertThat(rs.next()).isFalse();
            }
        }
    }
}

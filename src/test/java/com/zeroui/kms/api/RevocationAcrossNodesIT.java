package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.Csrs;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.function.UnaryOperator;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL store: a revocation made through one is in the other's CRL and OCSP
 * answers at once and stops the certificate there within seconds; CRL numbers and the OCSP
 * responder survive restarts.
 */
class RevocationAcrossNodesIT {
    static PostgresDatabases.TempDatabase db;
    static Path dataDir;

    @BeforeAll
    static void createDatabase() throws IOException {
        db = PostgresDatabases.create("RevocationAcrossNodesIT");
        dataDir = Files.createTempDirectory("kms-pki-nodes-");
    }

    @AfterAll
    static void dropDatabase() {
        TestNode.deleteTree(dataDir);
        db.close();
    }

    static UnaryOperator<com.zeroui.kms.ops.KmsConfig.Builder> onPostgres() {
        return cfg -> cfg.database(db.url(), db.user(), db.password());
    }

    static X509CRL crl(TestNode node) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(
                node.anonymous().getBytes("/ca/internal-issuing/crl").body()));
    }

    static long crlNumber(X509CRL crl) {
        byte[] value = org.bouncycastle.asn1.ASN1OctetString.getInstance(crl.getExtensionValue("2.5.29.20")).getOctets();
        return org.bouncycastle.asn1.ASN1Integer.getInstance(value).getValue().longValueExact();
    }

    static BasicOCSPResp ocsp(TestNode node, X509Certificate cert) throws Exception {
        byte[] request = new OCSPReqBuilder().addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build()
                .get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(node.node().data().ca().ca().issuing()),
                cert.getSerialNumber())).build().getEncoded();
        return (BasicOCSPResp) new OCSPResp(node.anonymous().postBytes("/ocsp", "application/ocsp-request", request).body())
                .getResponseObject();
    }

    @Test
    void aRevocationThroughOneNodeHoldsOnTheOtherAndAcrossRestarts() throws Exception {
        long numberBefore;
        BigInteger responderSerial;
        X509Certificate cert;
        KeyPair keys = Csrs.ec("secp256r1");
        try (TestNode a = TestNode.startIn(dataDir, onPostgres(), false);
             TestNode b = TestNode.startIn(dataDir, onPostgres(), false)) {
            JsonNode enrolled = a.admin().post("/certificates", Csrs.body(Csrs.withUris(keys, Csrs.spiffe("t-nodes", "M60")),
                    null, null)).json();
            cert = Csrs.certificate(enrolled.get("certificate").asText());
            KmsClient onB = Csrs.clientFor(b, keys, enrolled);
            assertThat(onB.get("/keys?tenant_id=t-nodes").status()).isEqualTo(200);
            assertThat(ocsp(b, cert).getResponses()[0].getCertStatus()).isNull(); // good
            responderSerial = ocsp(a, cert).getCerts()[0].getSerialNumber();
            assertThat(ocsp(b, cert).getCerts()[0].getSerialNumber()).as("one responder for all nodes").isEqualTo(responderSerial);
            long numberOnB = crlNumber(crl(b));

            assertThat(a.admin().post("/certificates/" + enrolled.get("serial").asText() + "/revoke",
                    "{\"reason\":\"keyCompromise\"}").status()).isEqualTo(200);
            X509CRL fromB = crl(b);
            assertThat(fromB.getRevokedCertificate(cert.getSerialNumber())).as("B's CRL at once").isNotNull();
            assertThat(crlNumber(fromB)).isGreaterThan(numberOnB);
            assertThat(crl(a).getEncoded()).as("both serve the same CRL").isEqualTo(fromB.getEncoded());
            assertThat(ocsp(b, cert).getResponses()[0].getCertStatus()).isInstanceOf(RevokedStatus.class);

            // B learns of the revocation on its next refresh (every 5 s) and then refuses the certificate
            long deadline = System.nanoTime() + 15_000_000_000L;
            int status;
            do {
                Thread.sleep(250);
                status = onB.get("/keys?tenant_id=t-nodes").status();
            } while (status != 401 && System.nanoTime() < deadline);
            assertError(onB.get("/keys?tenant_id=t-nodes"), 401, "UNAUTHENTICATED");
            numberBefore = crlNumber(fromB);
        }
        try (TestNode again = TestNode.startIn(dataDir, onPostgres(), false)) {
            X509CRL crl = crl(again);
            assertThat(crlNumber(crl)).isGreaterThanOrEqualTo(numberBefore);
            assertThat(crl.getRevokedCertificate(cert.getSerialNumber())).isNotNull();
            assertThat(ocsp(again, cert).getCerts()[0].getSerialNumber()).as("the stored responder is reused")
                    .isEqualTo(responderSerial);
            JsonNode enrolled = again.admin().get("/certificates?status=revoked&subject=" + Csrs.spiffe("t-nodes", "M60")).json();
            assertThat(enrolled.get("certificates")).hasSize(1);
            KmsClient revoked = KmsClient.fromCredential(again.baseUrl(), keys.getPrivate(),
                    java.util.List.of(cert, again.node().data().ca().ca().issuing()), again.node().data().ca().ca().root());
            assertError(revoked.get("/keys"), 401, "UNAUTHENTICATED"); // refused from the first request after start
        }
    }
}

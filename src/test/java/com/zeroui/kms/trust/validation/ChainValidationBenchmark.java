package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.TestPki.crl;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.security.cert.X509CRL;
import java.util.List;

/**
 * The performance target's scenario: a 3-certificate ECDSA chain, revocation required, the issuing
 * CA's CRL holding 10,000 entries. Run it with
 * {@code mvn -q -o test-compile exec:java}-style class paths, or from an IDE:
 * {@code java -cp target/classes:target/test-classes:<deps> com.zeroui.kms.trust.validation.ChainValidationBenchmark [iterations]}.
 */
public final class ChainValidationBenchmark {
    private ChainValidationBenchmark() {
    }

    /** The request of the scenario, with fresh keys. */
    static ValidationRequest scenario(int crlEntries) {
        Issued root = TestPki.root("Bench Root");
        Issued intermediate = TestPki.intermediate("Bench CA", root);
        Issued leaf = TestPki.leaf("bench.example.com", intermediate);
        X509CRL big = crl(intermediate).filler(crlEntries).build();
        X509CRL rootCrl = crl(root).build();
        return ValidationRequest.builder().chain(leaf.cert(), intermediate.cert()).trustAnchors(root.cert())
                .purpose(Purpose.SERVER_AUTH).hostname("bench.example.com").time(TestPki.NOW)
                .revocationMode(RevocationMode.REQUIRE).crls(List.of(big, rootCrl)).build();
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ValidationRequest request = scenario(10_000);
        ValidationLatency.Measurement m = ValidationLatency.measure(new ChainValidator(), request, 2_000, iterations);
        System.out.printf("chain validation, 3 certificates, CRL of 10,000 entries, %d runs: reason %s, p50 %.3f ms, "
                        + "p99 %.3f ms, max %.3f ms%n", m.latency().count(), m.reason(), m.latency().p50Millis(),
                m.latency().p99Millis(), m.latency().maxMillis());
    }
}

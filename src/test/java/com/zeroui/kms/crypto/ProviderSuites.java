package com.zeroui.kms.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The provider suites every crypto test runs against: the JDK's own providers, ACCP (AWS-LC),
 * Bouncy Castle pinned for every primitive, and the Bouncy Castle FIPS module in approved-only mode.
 * The service runs JDK or ACCP, or the FIPS suite with {@code --fips}; Bouncy Castle is an
 * independent implementation that catches a vector we misread. The FIPS suite refuses
 * ChaCha20-Poly1305 ({@link CryptoSuite#refusal}); tests of that primitive skip it via {@link #serves}.
 *
 * <p>ACCP must run in CI, not silently drop out: when its native library does not load, building
 * the list fails. Set the system property {@value #ALLOW_NO_ACCP}{@code =true}
 * ({@code mvn verify -Dkms.test.allowNoAccp=true}) only on a machine where ACCP cannot load, to run
 * the remaining suites without it.
 */
final class ProviderSuites {
    static final String ALLOW_NO_ACCP = "kms.test.allowNoAccp";

    /** A suite with the short name shown in test display names. */
    record Labeled(String name, CryptoSuite suite) {
        /**
         * The same suite, named with the provider that actually serves {@code primitive} (a key of
         * providersByPrimitive): the ACCP suite falls back to the JDK where ACCP lacks a primitive.
         */
        Labeled serving(String primitive) {
            String provider = suite.providersByPrimitive().get(primitive);
            if (provider == null) {
                throw new IllegalArgumentException("no such primitive: " + primitive);
            }
            return new Labeled(name + " [" + primitive + " → " + provider + "]", suite);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Labeled> suites;

    private ProviderSuites() {
    }

    static synchronized List<Labeled> all() {
        if (suites == null) {
            suites = build();
        }
        return suites;
    }

    static Stream<Labeled> stream() {
        return all().stream();
    }

    /** Whether the suite serves the AEAD (the FIPS suite refuses the non-approved one). */
    static boolean serves(Labeled suite, AeadAlgorithm alg) {
        return suite.suite().refusal(alg).isEmpty();
    }

    private static List<Labeled> build() {
        List<Labeled> out = new ArrayList<>();
        out.add(new Labeled("JDK", CryptoSuite.select(CryptoSuite.Preference.JDK)));
        if (CryptoSuite.correttoIfLoaded().isPresent()) {
            out.add(new Labeled("ACCP", CryptoSuite.select(CryptoSuite.Preference.ACCP)));
        } else if (!Boolean.getBoolean(ALLOW_NO_ACCP)) {
            throw new IllegalStateException("ACCP's native library did not load (" + accpLoadingError()
                    + "), so the ACCP suite cannot run. CI must test it; on a machine where it cannot load, run with -D"
                    + ALLOW_NO_ACCP + "=true to test the other suites only.");
        }
        // a new instance, not registered globally: registering it would change what the JDK suite's getInstance picks
        out.add(new Labeled("BC", CryptoSuite.pinnedTo(new BouncyCastleProvider())));
        // the FIPS module in a class loader of its own (bc-fips clashes with bcprov on the test class path)
        out.add(new Labeled("BCFIPS", CryptoSuite.fips(FipsModule.isolated())));
        return List.copyOf(out);
    }

    private static String accpLoadingError() {
        try {
            return String.valueOf(com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError());
        } catch (LinkageError e) {
            return e.toString();
        }
    }
}

package com.zeroui.kms.crypto;

import java.security.Provider;

/**
 * Bouncy Castle's JCA provider for the class path the service runs on: BCFIPS in FIPS mode, else
 * bcprov's BC. Instantiated by name because the bcprov class does not exist on the FIPS class path.
 */
public final class BouncyCastleProviders {
    private static final String BCPROV_CLASS = "org.bouncycastle.jce.provider.BouncyCastleProvider";

    private BouncyCastleProviders() {
    }

    /** A provider for certificate parsing and checks; not registered with the JVM. */
    public static Provider forCertificates() {
        return FipsModule.registered().map(FipsModule::provider).orElseGet(BouncyCastleProviders::bcprov);
    }

    /**
     * bcprov's provider, one unregistered instance, for primitives neither ACCP nor the JDK offers
     * (ML-DSA on JDK 17). Not for the FIPS class path, where bcprov is absent.
     */
    static synchronized Provider lastResort() {
        if (lastResort == null) {
            lastResort = bcprov();
        }
        return lastResort;
    }

    private static Provider lastResort;

    private static Provider bcprov() {
        try {
            return (Provider) Class.forName(BCPROV_CLASS).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bcprov's provider is missing from the class path", e);
        }
    }
}

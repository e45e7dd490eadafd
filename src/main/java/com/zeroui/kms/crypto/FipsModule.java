package com.zeroui.kms.crypto;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Optional;

/**
 * The Bouncy Castle FIPS Java API (BC-FJA, module {@code bc-fips}) in approved-only mode, and the
 * BCJSSE TLS provider running on it. Its classes are reached only by reflection: the service compiles
 * against bcprov-jdk18on, which shares package names with bc-fips, so the two never meet in one class
 * loader. In FIPS mode the whole application runs in a loader that sees the FIPS jars instead
 * ({@code FipsBootstrap}), and {@link #registered()} finds the module it installed; elsewhere
 * {@link #isolated()} loads a private copy (tests, benchmarks beside the default mode).
 */
public final class FipsModule {
    public static final String PROVIDER_NAME = "BCFIPS";
    public static final String JSSE_PROVIDER_NAME = "BCJSSE";
    /** Read by BC-FJA once, when the module initialises: from then on non-approved algorithms are refused. */
    public static final String APPROVED_ONLY_PROPERTY = "org.bouncycastle.fips.approved_only";
    static final String PROVIDER_CLASS = "org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider";
    static final String JSSE_CLASS = "org.bouncycastle.jsse.provider.BouncyCastleJsseProvider";

    private static FipsModule isolatedInstance;

    private final Provider provider;
    private final Provider jsse;

    private FipsModule(Provider provider, Provider jsse) {
        this.provider = provider;
        this.jsse = jsse;
    }

    /**
     * Loads BC-FJA and BCJSSE from {@code loader} in approved-only mode. Nothing is registered with
     * {@link Security}; see {@link #install()}.
     */
    public static FipsModule load(ClassLoader loader) {
        System.setProperty(APPROVED_ONLY_PROPERTY, "true");
        try {
            Provider fips = (Provider) loader.loadClass(PROVIDER_CLASS).getConstructor().newInstance();
            Provider jsse = (Provider) loader.loadClass(JSSE_CLASS).getConstructor(boolean.class, Provider.class)
                    .newInstance(true, fips);
            return new FipsModule(fips, jsse);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the Bouncy Castle FIPS module failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the Bouncy Castle FIPS module cannot be loaded: " + e, e);
        }
    }

    /** The module {@code FipsBootstrap} installed for this JVM, when the service runs in FIPS mode. */
    public static Optional<FipsModule> registered() {
        Provider fips = Security.getProvider(PROVIDER_NAME);
        Provider jsse = Security.getProvider(JSSE_PROVIDER_NAME);
        return fips == null || jsse == null ? Optional.empty() : Optional.of(new FipsModule(fips, jsse));
    }

    /**
     * A copy of the module in a class loader of its own (over the embedded jars, above the platform
     * loader only), not registered: JCA calls reach it only by passing {@link #provider()}. One per JVM.
     */
    public static synchronized FipsModule isolated() {
        if (isolatedInstance == null) {
            URL[] urls = FipsJars.urls().toArray(URL[]::new);
            isolatedInstance = load(new URLClassLoader("kms-bc-fips", urls, ClassLoader.getPlatformClassLoader()));
        }
        return isolatedInstance;
    }

    /**
     * Puts BCFIPS first and BCJSSE second in the JVM's provider list, so that every JCA lookup that
     * names no provider (libraries included) reaches the module before any JDK provider.
     */
    public FipsModule install() {
        Security.insertProviderAt(provider, 1);
        Security.insertProviderAt(jsse, 2);
        return this;
    }

    public Provider provider() {
        return provider;
    }

    public Provider jsseProvider() {
        return jsse;
    }

    /** "BC-FJA (bc-fips)". */
    public String moduleName() {
        return "Bouncy Castle FIPS Java API (bc-fips)";
    }

    /** The module's version from its jar manifest, e.g. "2.1.2". */
    public String moduleVersion() {
        Package p = provider.getClass().getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        return version != null ? version : provider.getVersionStr();
    }

    /** The provider's own description, e.g. "BouncyCastle Security Provider (FIPS edition) v2.1.2". */
    public String providerInfo() {
        return provider.getInfo();
    }

    /** True when the module refuses non-approved algorithms (it always should here). */
    public boolean approvedOnly() {
        return (Boolean) call("org.bouncycastle.crypto.CryptoServicesRegistrar", "isInApprovedOnlyMode");
    }

    /** The module's power-on self-test status message ("READY" when it passed). */
    public String selfTestStatus() {
        return (String) call("org.bouncycastle.crypto.fips.FipsStatus", "getStatusMessage");
    }

    /**
     * Throws unless the power-on self-tests (integrity HMAC and known-answer tests) passed and the
     * module is in approved-only mode: the health check.
     */
    public void check() throws GeneralSecurityException {
        if (!(Boolean) call("org.bouncycastle.crypto.fips.FipsStatus", "isReady")) {
            throw new GeneralSecurityException("FIPS module not ready: " + selfTestStatus());
        }
        if (!approvedOnly()) {
            throw new GeneralSecurityException("FIPS module is not in approved-only mode");
        }
    }

    /** The module's approved DRBG (SP 800-90A); BC-FJA refuses keys generated from any other source. */
    public SecureRandom random() {
        try {
            return SecureRandom.getInstance("DEFAULT", provider);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the FIPS module offers no DEFAULT DRBG", e);
        }
    }

    private Object call(String className, String method) {
        try {
            return provider.getClass().getClassLoader().loadClass(className).getMethod(method).invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot query the FIPS module: " + e, e);
        }
    }
}

package com.zeroui.kms.cli;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The application's class loader in FIPS mode: the service's own jar (or class path) above a parent
 * that holds only the Bouncy Castle FIPS jars. Delegation is parent-first, and this loader never
 * serves {@code org.bouncycastle} itself, so the bcprov/bcpkix classes shaded into kms.jar stay
 * invisible and every Bouncy Castle class the service links against comes from the FIPS jars.
 */
final class FipsClassLoader extends URLClassLoader {
    private static final String BC_PACKAGE = "org.bouncycastle.";
    private static final String BC_PATH = "org/bouncycastle/";

    static {
        registerAsParallelCapable();
    }

    FipsClassLoader(URL[] application, ClassLoader fipsJars) {
        super("kms-fips-application", application, fipsJars);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (name.startsWith(BC_PACKAGE)) {
            throw new ClassNotFoundException(name + " (FIPS mode: Bouncy Castle classes come only from the FIPS jars)");
        }
        return super.findClass(name);
    }

    @Override
    public URL findResource(String name) {
        return name.startsWith(BC_PATH) ? null : super.findResource(name);
    }

    @Override
    public Enumeration<URL> findResources(String name) throws IOException {
        return name.startsWith(BC_PATH) ? Collections.emptyEnumeration() : super.findResources(name);
    }
}

package com.zeroui.kms.cli;

import com.zeroui.kms.crypto.FipsJars;
import com.zeroui.kms.crypto.FipsModule;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * FIPS mode start-up. bc-fips and bcpkix-fips use the same package names as the bcprov/bcpkix the
 * service is built with, so they cannot share a class loader. When FIPS mode is asked for, Main hands
 * over here before anything touches Bouncy Castle: the FIPS module is loaded from the embedded jars
 * in approved-only mode and installed first in the JVM's provider list, then Main runs again inside a
 * {@link FipsClassLoader}, where every {@code org.bouncycastle} class is a FIPS one.
 */
final class FipsBootstrap {
    /** Set inside the FIPS class loader, so that Main does not hand over twice. */
    static final String ISOLATED_PROPERTY = "kms.fips.isolated";
    /** The standard Bouncy Castle jars on a development class path (kms.jar itself is filtered by the loader). */
    private static final Pattern STANDARD_BC_JAR = Pattern.compile("bc(prov|pkix|util|tls)-(jdk18on|lts8on)-.*\\.jar");

    private FipsBootstrap() {
    }

    /**
     * Whether FIPS mode is asked for: {@code --fips[=true|false]}, {@code --crypto-provider fips}, else
     * {@code KMS_FIPS=true} or {@code KMS_CRYPTO_PROVIDER=fips}. The serve command reads the same flags.
     */
    static boolean requested(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("--fips") || arg.equalsIgnoreCase("--fips=true")) {
                return true;
            }
            if (arg.equalsIgnoreCase("--fips=false")) {
                return false;
            }
            if (arg.equalsIgnoreCase("--crypto-provider=fips")
                    || arg.equals("--crypto-provider") && i + 1 < args.length && args[i + 1].equalsIgnoreCase("fips")) {
                return true;
            }
        }
        return "true".equalsIgnoreCase(env.get("KMS_FIPS")) || "fips".equalsIgnoreCase(env.get("KMS_CRYPTO_PROVIDER"));
    }

    static boolean isolated() {
        return Boolean.getBoolean(ISOLATED_PROPERTY);
    }

    /** Installs the FIPS module and runs {@code Main.run(args)} in the FIPS class loader; its exit code. */
    static int runIsolated(String[] args) {
        ClassLoader fipsJars = new URLClassLoader("kms-bc-fips", FipsJars.urls().toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader());
        FipsModule module;
        try {
            module = FipsModule.load(fipsJars).install();
            module.check();
        } catch (Exception e) {
            System.err.println("kms: cannot start in FIPS mode: " + e.getMessage());
            return 2;
        }
        System.setProperty(ISOLATED_PROPERTY, "true");
        ClassLoader application = new FipsClassLoader(applicationClassPath(), fipsJars);
        Thread.currentThread().setContextClassLoader(application);
        try {
            Object code = application.loadClass(Main.class.getName()).getMethod("run", String[].class)
                    .invoke(null, (Object) args);
            return (Integer) code;
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the service in the FIPS class loader", e);
        }
    }

    /** The JVM's class path without standard Bouncy Castle jars: kms.jar alone when run with -jar. */
    static URL[] applicationClassPath() {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(Pattern.quote(File.pathSeparator))) {
            if (entry.isEmpty() || STANDARD_BC_JAR.matcher(Path.of(entry).getFileName().toString()).matches()) {
                continue;
            }
            try {
                urls.add(Path.of(entry).toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException("class path entry " + entry, e);
            }
        }
        return urls.toArray(URL[]::new);
    }
}

package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.FipsJars;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FipsBootstrapTest {
    @Test
    void fipsModeIsAskedForByFlagOrEnvironment() {
        Map<String, String> none = Map.of();
        assertThat(FipsBootstrap.requested(new String[] {"serve", "--fips"}, none)).isTrue();
        assertThat(FipsBootstrap.requested(new String[] {"serve", "--fips=true"}, none)).isTrue();
        assertThat(FipsBootstrap.requested(new String[] {"serve", "--crypto-provider", "fips"}, none)).isTrue();
        assertThat(FipsBootstrap.requested(new String[] {"serve", "--crypto-provider=FIPS"}, none)).isTrue();
        assertThat(FipsBootstrap.requested(new String[] {"serve"}, Map.of("KMS_FIPS", "true"))).isTrue();
        assertThat(FipsBootstrap.requested(new String[] {"serve"}, Map.of("KMS_CRYPTO_PROVIDER", "fips"))).isTrue();

        assertThat(FipsBootstrap.requested(new String[] {"serve"}, none)).isFalse();
        assertThat(FipsBootstrap.requested(new String[] {"serve", "--crypto-provider", "accp"}, none)).isFalse();
        assertThat(FipsBootstrap.requested(new String[] {"serve", "--fips=false"}, Map.of("KMS_FIPS", "true")))
                .as("the flag overrides the environment").isFalse();
        assertThat(FipsBootstrap.requested(new String[] {"serve"}, Map.of("KMS_FIPS", "false"))).isFalse();
        assertThat(FipsBootstrap.requested(new String[] {"cert", "issue", "--", "--fips"}, none))
                .as("after --, an argument, not a flag").isFalse();
    }

    @Test
    void applicationClassPathDropsTheStandardBouncyCastleJars() {
        assertThat(System.getProperty("java.class.path")).contains("bcprov-jdk18on");
        assertThat(Arrays.stream(FipsBootstrap.applicationClassPath()).map(URL::getPath))
                .isNotEmpty()
                .noneMatch(p -> p.contains("bcprov-jdk18on") || p.contains("bcpkix-jdk18on") || p.contains("bcutil-jdk18on"));
    }

    /** The loader swap itself: on a class path that still holds bcprov, Bouncy Castle resolves to bc-fips only. */
    @Test
    void fipsClassLoaderServesBouncyCastleOnlyFromTheFipsJars() throws Exception {
        URL bcprov = org.bouncycastle.jce.provider.BouncyCastleProvider.class.getProtectionDomain().getCodeSource().getLocation();
        URL[] app = {Path.of("target", "classes").toUri().toURL(), bcprov};
        try (URLClassLoader fips = new URLClassLoader(FipsJars.urls().toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
             FipsClassLoader loader = new FipsClassLoader(app, fips)) {
            Class<?> aki = loader.loadClass("org.bouncycastle.asn1.x509.AuthorityKeyIdentifier");
            assertThat(aki.getClassLoader()).isSameAs(fips);
            assertThat(aki.getProtectionDomain().getCodeSource().getLocation().getPath()).endsWith("bc-fips.jar");
            assertThatThrownBy(() -> loader.loadClass("org.bouncycastle.jce.provider.BouncyCastleProvider"))
                    .as("bcprov's provider is there on the URLs but never served").isInstanceOf(ClassNotFoundException.class);
            assertThat(loader.getResource("org/bouncycastle/jce/provider/BouncyCastleProvider.class")).isNull();
            Class<?> main = loader.loadClass(Main.class.getName());
            assertThat(main.getClassLoader()).as("the service's own classes are loaded again, inside").isSameAs(loader);
        }
    }
}

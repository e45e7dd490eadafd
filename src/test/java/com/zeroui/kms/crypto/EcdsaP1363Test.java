package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.ProviderSuites.Labeled;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ES256's wire form on every provider suite: the suites sign DER and {@link SignatureEncoding#p1363}
 * converts, so each is checked against an independent P1363 implementation (the JDK's SunEC
 * {@code SHA256withECDSAinP1363Format}) both ways, and against the r/s edge cases a conversion could
 * get wrong (zero, the group order, high s, short and DER-shaped signatures).
 */
class EcdsaP1363Test {
    private static final byte[] DATA = "es256 wire form".getBytes(StandardCharsets.UTF_8);
    /** The order of the P-256 base point (SEC 2 §2.4.2). */
    private static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    private static final SignatureAlgorithm ES256 = SignatureAlgorithm.ES256;

    static Stream<Labeled> suites() {
        return ProviderSuites.stream().filter(s -> s.suite().refusal(ES256).isEmpty());
    }

    private record Keys(PrivateKey privateKey, PublicKey publicKey, PublicKey jdkPublicKey) {
    }

    private static Keys keys(CryptoSuite suite) throws Exception {
        CryptoSuite.GeneratedKey key = suite.generate(KeyType.ECDSA_P256);
        return new Keys(suite.privateKey(KeyType.ECDSA_P256, key.material()),
                suite.publicKey(KeyType.ECDSA_P256, key.publicKeySpki()),
                KeyFactory.getInstance("EC", "SunEC").generatePublic(new X509EncodedKeySpec(key.publicKeySpki())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void signaturesAreRawRAndSThatAnIndependentP1363VerifierAccepts(Labeled s) throws Exception {
        Keys keys = keys(s.suite());
        for (int i = 0; i < 20; i++) { // r or s with leading zero bytes turn up about once in 128 signatures each
            byte[] signature = s.suite().sign(ES256, keys.privateKey(), DATA);
            assertThat(signature).as(s.name()).hasSize(64);
            Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
            jdk.initVerify(keys.jdkPublicKey());
            jdk.update(DATA);
            assertThat(jdk.verify(signature)).as(s.name() + ": SunEC verifies the r‖s signature").isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void verifiesIndependentP1363SignaturesIncludingShortIntegers(Labeled s) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        PublicKey key = s.suite().publicKey(KeyType.ECDSA_P256, pair.getPublic().getEncoded());
        int shortIntegers = 0;
        for (int i = 0; i < 3000 && shortIntegers < 2; i++) {
            Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
            jdk.initSign(pair.getPrivate());
            jdk.update(DATA);
            byte[] signature = jdk.sign();
            if (signature[0] == 0 || signature[32] == 0) {
                shortIntegers++; // DER drops the leading zero: the padding must come back on the way in
            }
            assertThat(s.suite().verify(ES256, key, DATA, signature)).as(s.name()).isTrue();
        }
        assertThat(shortIntegers).as("signatures with a short r or s were among those checked").isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void edgeCasesOfRAndSAreAnsweredFalseNeverAnException(Labeled s) throws Exception {
        Keys keys = keys(s.suite());
        byte[] good = s.suite().sign(ES256, keys.privateKey(), DATA);
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(good, 0, 32));
        BigInteger sv = new BigInteger(1, Arrays.copyOfRange(good, 32, 64));

        // (r, n − s) is the other valid signature of the same message: ECDSA (and JOSE) accept it
        assertThat(s.suite().verify(ES256, keys.publicKey(), DATA, raw(r, N.subtract(sv)))).as("high s").isTrue();

        for (byte[] bad : new byte[][] {
                raw(BigInteger.ZERO, BigInteger.ZERO), raw(BigInteger.ZERO, sv), raw(r, BigInteger.ZERO),
                raw(N, sv), raw(r, N), raw(r.add(N).mod(BigInteger.TWO.pow(256)), sv), raw(BigInteger.ONE, BigInteger.ONE),
                filled((byte) 0xff, 64), Arrays.copyOf(good, 63), Arrays.copyOf(good, 65), new byte[0],
                derOf(good), flipped(good, 5), flipped(good, 40)}) {
            assertThat(s.suite().verify(ES256, keys.publicKey(), DATA, bad)).as(s.name() + " " + bad.length).isFalse();
        }
        assertThat(s.suite().verify(ES256, keys.publicKey(), "other".getBytes(StandardCharsets.UTF_8), good)).isFalse();
    }

    private static byte[] raw(BigInteger r, BigInteger s) {
        byte[] out = new byte[64];
        put(r, out, 0);
        put(s, out, 32);
        return out;
    }

    private static void put(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int start = Math.max(0, bytes.length - 32);
        System.arraycopy(bytes, start, out, offset + 32 - (bytes.length - start), bytes.length - start);
    }

    private static byte[] filled(byte b, int n) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }

    private static byte[] flipped(byte[] in, int index) {
        byte[] out = in.clone();
        out[index] ^= 0x01;
        return out;
    }

    private static byte[] derOf(byte[] raw) {
        return SignatureEncoding.p1363(32).toProvider(raw);
    }
}

package com.zeroui.kms.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key CLI against a real node: round trips through files, stdin and stdout, output formats, exit codes. */
class KeyCliIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestNode node;
    static List<String> connection;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        Path tls = node.dataDir().resolve("tls");
        connection = List.of("--url", node.baseUrl(), "--client-cert", tls.resolve("admin.pem").toString(),
                "--client-key", tls.resolve("admin.key").toString(), "--ca-cert", tls.resolve("ca.pem").toString(),
                "--tenant", "acme");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** {@code kms <command...> <connection flags> <args...>}: the connection flags go right after the command words. */
    private static CliRun kms(List<String> command, String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(connection);
        all.addAll(List.of(args));
        return CliRun.run(all.toArray(String[]::new));
    }

    private static CliRun kmsWithStdin(byte[] stdin, List<String> command, String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(stdin));
        try {
            return kms(command, args);
        } finally {
            System.setIn(original);
        }
    }

    private static String newKey(String type, String usage) throws Exception {
        String alias = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        CliRun created = kms(List.of("key", "create"), "--type", type, "--usage", usage, "--alias", alias, "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        JsonNode key = JSON.readTree(created.out());
        assertThat(key.get("key_alias").asText()).isEqualTo(alias);
        return "alias/" + alias;
    }

    @Test
    void signAndVerifyRoundTrip() throws Exception {
        String key = newKey("Ed25519", "sign,verify");
        CliRun signed = kms(List.of("sign"), "-k", key, "--data", "hello");
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        String signature = signed.out().trim();
        assertThat(Base64.getDecoder().decode(signature)).hasSize(64);

        CliRun valid = kms(List.of("verify"), "-k", key, "--data", "hello", "--sig-b64", signature);
        assertThat(valid.exitCode()).isZero();
        assertThat(valid.out().trim()).isEqualTo("valid");
        CliRun invalid = kms(List.of("verify"), "-k", key, "--data", "hellO", "--sig-b64", signature);
        assertThat(invalid.exitCode()).isEqualTo(RemoteCommand.INVALID);
        assertThat(invalid.out().trim()).isEqualTo("invalid");

        // raw signature to a file, checked by the JDK with the PEM from `key public`
        Path data = dir.resolve("data.bin");
        Files.write(data, new byte[] {0, 1, 2, (byte) 255});
        Path sig = dir.resolve("data.sig");
        assertThat(kms(List.of("sign"), "-k", key, "-i", data.toString(), "-o", "raw", "--out", sig.toString()).exitCode()).isZero();
        CliRun pem = kms(List.of("key", "public"), key);
        assertThat(pem.out()).startsWith("-----BEGIN PUBLIC KEY-----");
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                Base64.getMimeDecoder().decode(pem.out().replaceAll("-----[A-Z ]+-----", "")))));
        jdk.update(Files.readAllBytes(data));
        assertThat(jdk.verify(Files.readAllBytes(sig))).isTrue();
        assertThat(kms(List.of("verify"), "-k", key, "-i", data.toString(), "--sig", sig.toString()).exitCode()).isZero();
    }

    @Test
    void macAndVerifyRoundTrip() throws Exception {
        String key = newKey("HMAC-SHA256", "mac,mac_verify");
        CliRun tagged = kms(List.of("mac"), "-k", key, "--data", "payload");
        assertThat(tagged.exitCode()).as(tagged.err()).isZero();
        String tag = tagged.out().trim();
        assertThat(Base64.getDecoder().decode(tag)).hasSize(32);

        CliRun valid = kms(List.of("mac"), "-k", key, "--data", "payload", "--sig-b64", tag);
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        assertThat(valid.out().trim()).isEqualTo("valid");
        byte[] wrong = Base64.getDecoder().decode(tag);
        wrong[0] ^= 1;
        CliRun invalid = kms(List.of("mac"), "-k", key, "--data", "payload", "--sig-b64", Base64.getEncoder().encodeToString(wrong));
        assertThat(invalid.exitCode()).isEqualTo(RemoteCommand.INVALID);
        assertThat(invalid.out().trim()).isEqualTo("invalid");
        assertThat(kms(List.of("mac"), "-k", key, "--data", "payloaD", "--sig-b64", tag).exitCode())
                .isEqualTo(RemoteCommand.INVALID);

        // raw tag to a file, verified from the file
        Path tagFile = dir.resolve("payload.mac");
        assertThat(kms(List.of("mac"), "-k", key, "--data", "payload", "-o", "raw", "--out", tagFile.toString()).exitCode())
                .isZero();
        assertThat(Files.readAllBytes(tagFile)).isEqualTo(Base64.getDecoder().decode(tag));
        assertThat(kms(List.of("mac"), "-k", key, "--data", "payload", "--sig", tagFile.toString()).exitCode()).isZero();
    }

    @Test
    void encryptWritesACiphertextBlobThatDecryptsWithoutTheKey() throws Exception {
        String key = newKey("AES-256", "encrypt,decrypt");
        byte[] plaintext = new byte[1000];
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = (byte) i; // every byte value: binary-safe end to end
        }
        Path in = dir.resolve("plain.bin");
        Files.write(in, plaintext);
        Path enc = dir.resolve("plain.enc");
        Path out = dir.resolve("plain.out");

        // a file: the raw blob (ADR 0032), "KMSC" and format 1 first, and no --key to read it back
        CliRun encrypted = kms(List.of("encrypt"), "-k", key, "-i", in.toString(), "--aad", "ctx", "-o", "raw", "--out", enc.toString());
        assertThat(encrypted.exitCode()).as(encrypted.err()).isZero();
        byte[] blob = Files.readAllBytes(enc);
        assertThat(blob).startsWith('K', 'M', 'S', 'C', 1);
        String keyId = JSON.readTree(kms(List.of("key", "show"), key, "-o", "json").out()).get("key_id").asText();
        assertThat(new String(blob, 7, blob[6], StandardCharsets.UTF_8)).isEqualTo(keyId);
        assertThat(blob).hasSize(7 + blob[6] + 4 + 12 + plaintext.length + 16);
        CliRun decrypted = kms(List.of("decrypt"), "-i", enc.toString(), "--aad", "ctx", "--out", out.toString());
        assertThat(decrypted.exitCode()).as(decrypted.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(plaintext);

        // stdin → base64 blob on stdout → stdin again, as `kms encrypt | kms decrypt` (no --key, no --b64)
        CliRun b64 = kmsWithStdin("secret notes\n".getBytes(StandardCharsets.UTF_8), List.of("encrypt"), "-k", key);
        assertThat(b64.exitCode()).as(b64.err()).isZero();
        assertThat(Base64.getMimeDecoder().decode(b64.out().trim())).startsWith('K', 'M', 'S', 'C', 1);
        CliRun back = kmsWithStdin(b64.out().getBytes(StandardCharsets.US_ASCII), List.of("decrypt"));
        assertThat(back.exitCode()).as(back.err()).isZero();
        assertThat(back.out()).isEqualTo("secret notes\n");
        assertThat(kmsWithStdin(b64.out().getBytes(StandardCharsets.US_ASCII), List.of("decrypt"), "--b64").out())
                .isEqualTo("secret notes\n");

        // -o json from encrypt is accepted by decrypt as is
        CliRun json = kms(List.of("encrypt"), "-k", key, "--data", "via json", "-o", "json");
        assertThat(JSON.readTree(json.out()).get("receipt_id").asText()).isNotBlank();
        assertThat(kmsWithStdin(json.out().getBytes(StandardCharsets.UTF_8), List.of("decrypt")).out()).isEqualTo("via json");

        // wrong AAD: the service's constant message, exit 3
        CliRun wrong = kms(List.of("decrypt"), "-i", enc.toString(), "--aad", "other");
        assertThat(wrong.exitCode()).isEqualTo(RemoteCommand.REFUSED);
        assertThat(wrong.err()).startsWith("kms: INVALID_REQUEST: decryption failed").contains("(receipt ");
    }

    /** Files the previous CLI wrote (IV || ciphertext || tag, raw or base64) still decrypt when --key names their key. */
    @Test
    void decryptStillReadsThePreviousIvCiphertextTagFiles() throws Exception {
        String key = newKey("AES-256", "encrypt,decrypt");
        JsonNode answer = JSON.readTree(kms(List.of("encrypt"), "-k", key, "--data", "written by v1", "--aad", "ctx", "-o", "json").out());
        byte[] iv = Base64.getDecoder().decode(answer.get("iv").asText());
        byte[] ciphertext = Base64.getDecoder().decode(answer.get("ciphertext").asText());
        byte[] legacy = new byte[iv.length + ciphertext.length];
        System.arraycopy(iv, 0, legacy, 0, iv.length);
        System.arraycopy(ciphertext, 0, legacy, iv.length, ciphertext.length);
        Path raw = dir.resolve("v1.enc");
        Files.write(raw, legacy);
        Path b64 = dir.resolve("v1.b64");
        Files.writeString(b64, Base64.getEncoder().encodeToString(legacy) + "\n");

        CliRun fromRaw = kms(List.of("decrypt"), "-k", key, "-i", raw.toString(), "--aad", "ctx");
        assertThat(fromRaw.exitCode()).as(fromRaw.err()).isZero();
        assertThat(fromRaw.out()).isEqualTo("written by v1");
        assertThat(kms(List.of("decrypt"), "-k", key, "-i", b64.toString(), "--aad", "ctx", "--b64").out()).isEqualTo("written by v1");
        assertThat(kms(List.of("decrypt"), "-k", key, "-i", b64.toString(), "--aad", "ctx").out()).isEqualTo("written by v1");

        CliRun noKey = kms(List.of("decrypt"), "-i", raw.toString(), "--aad", "ctx");
        assertThat(noKey.exitCode()).isEqualTo(RemoteCommand.USAGE);
        assertThat(noKey.err()).contains("not a ciphertext_blob").contains("pass --key");
    }

    /** BYOK: openssl makes the key, the CLI wraps and imports it, and the service's results check out against openssl's key. */
    @Test
    void keyImportOfAnOpensslRsaKeySignsWhatOpensslVerifies() throws Exception {
        Path pem = dir.resolve("rsa.pem");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pem.toString());
        Path pub = dir.resolve("rsa.pub.pem");
        openssl("pkey", "-in", pem.toString(), "-pubout", "-out", pub.toString());
        String alias = "byok-" + UUID.randomUUID().toString().substring(0, 8);

        CliRun imported = kms(List.of("key", "import"), "--type", "RSA-2048", "--usage", "sign,verify", "--alias", alias,
                "-i", pem.toString(), "-o", "json");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(JSON.readTree(imported.out()).get("origin").asText()).isEqualTo("external");
        assertThat(kms(List.of("key", "public"), "alias/" + alias).out().strip()).isEqualTo(Files.readString(pub).strip());

        Path data = dir.resolve("invoice.txt");
        Files.writeString(data, "invoice 42");
        Path sig = dir.resolve("invoice.sig");
        CliRun signed = kms(List.of("sign"), "-k", "alias/" + alias, "-i", data.toString(), "-o", "raw", "--out", sig.toString());
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        assertThat(openssl("dgst", "-sha256", "-verify", pub.toString(), "-signature", sig.toString(), data.toString()))
                .contains("Verified OK");

        // the same key as DER (PKCS#8) from standard input
        Path der = dir.resolve("rsa.der");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", pem.toString(), "-outform", "DER", "-out", der.toString());
        CliRun fromStdin = kmsWithStdin(Files.readAllBytes(der), List.of("key", "import"), "--type", "RSA-2048",
                "--usage", "sign,verify", "-i", "-", "-o", "json");
        assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();
        String secondId = JSON.readTree(fromStdin.out()).get("key_id").asText();
        assertThat(kms(List.of("verify"), "-k", secondId, "-i", data.toString(), "--sig", sig.toString()).out().trim())
                .isEqualTo("valid");

        // a PKCS#1 file is named as such before anything is sent
        Path pkcs1 = dir.resolve("rsa1.pem");
        openssl("pkey", "-in", pem.toString(), "-traditional", "-out", pkcs1.toString());
        CliRun traditional = kms(List.of("key", "import"), "--type", "RSA-2048", "--usage", "sign,verify", "-i", pkcs1.toString());
        assertThat(traditional.exitCode()).isEqualTo(RemoteCommand.USAGE);
        assertThat(traditional.err()).contains("RSA PRIVATE KEY").contains("openssl pkcs8 -topk8");
    }

    @Test
    void keyImportOfOpensslAesBytesEncryptsWhatTheJdkDecrypts() throws Exception {
        Path aes = dir.resolve("aes.key");
        openssl("rand", "-out", aes.toString(), "32");
        CliRun imported = kms(List.of("key", "import"), "--type", "AES-256", "--usage", "encrypt,decrypt", "-i", aes.toString(),
                "-o", "json");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        String keyId = JSON.readTree(imported.out()).get("key_id").asText();

        Path enc = dir.resolve("notes.enc");
        assertThat(kms(List.of("encrypt"), "-k", keyId, "--data", "byok notes", "-o", "raw", "--out", enc.toString()).exitCode())
                .isZero();
        byte[] blob = Files.readAllBytes(enc);
        int nonceAt = 7 + blob[6] + 4;
        javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(Files.readAllBytes(aes), "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, blob, nonceAt, 12));
        assertThat(new String(gcm.doFinal(blob, nonceAt + 12, blob.length - nonceAt - 12), StandardCharsets.UTF_8))
                .isEqualTo("byok notes");
        assertThat(kms(List.of("decrypt"), "-i", enc.toString()).out()).isEqualTo("byok notes");

        Path shortKey = dir.resolve("short.key");
        Files.write(shortKey, java.util.Arrays.copyOf(Files.readAllBytes(aes), 31));
        CliRun wrongSize = kms(List.of("key", "import"), "--type", "AES-256", "--usage", "encrypt,decrypt", "-i", shortKey.toString());
        assertThat(wrongSize.exitCode()).isEqualTo(RemoteCommand.USAGE);
        assertThat(wrongSize.err()).contains("AES-256 key material is 32 raw bytes").contains("the file has 31");
    }

    private String openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("openssl " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }

    @Test
    void keyListShowRotatePolicyRevoke() throws Exception {
        String key = newKey("Ed25519", "sign,verify");
        String alias = key.substring("alias/".length());
        CliRun list = kms(List.of("key", "list"), "--alias", alias);
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("KEY_ID").contains(alias).contains("Ed25519").contains("active");

        String firstId = JSON.readTree(kms(List.of("key", "show"), key, "-o", "json").out()).get("key_id").asText();
        CliRun rotated = kms(List.of("key", "rotate"), key, "-o", "json");
        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        assertThat(JSON.readTree(rotated.out()).at("/previous_key/key_id").asText()).isEqualTo(firstId);
        CliRun show = kms(List.of("key", "show"), key);
        assertThat(show.out()).contains("rotation_count").doesNotContain(firstId);

        CliRun policy = kms(List.of("key", "policy"), key);
        assertThat(policy.out()).contains("allowed_modules");

        CliRun revoked = kms(List.of("key", "revoke"), key, "--reason", "retired");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).containsPattern("key_state\\s+revoked");
        CliRun refused = kms(List.of("sign"), "-k", key, "--data", "x");
        assertThat(refused.exitCode()).isEqualTo(RemoteCommand.REFUSED);
        assertThat(refused.err()).startsWith("kms: KEY_REVOKED: ");
    }

    @Test
    void randomAndPbkdf2Derivation() throws Exception {
        CliRun random = kms(List.of("random"), "--bytes", "24");
        assertThat(random.exitCode()).as(random.err()).isZero();
        assertThat(Base64.getDecoder().decode(random.out().trim())).hasSize(24);

        // the password comes from stdin; the result must equal the JDK's own PBKDF2
        CliRun derived = kmsWithStdin("correct horse\n".getBytes(StandardCharsets.UTF_8), List.of("derive"),
                "--method", "PBKDF2-HMAC-SHA256", "--salt", "NaCl-and-more-salt", "--iterations", "600000", "--length", "32");
        assertThat(derived.exitCode()).as(derived.err()).isZero();
        byte[] expected = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                new javax.crypto.spec.PBEKeySpec("correct horse".toCharArray(), "NaCl-and-more-salt".getBytes(StandardCharsets.UTF_8),
                        600_000, 256)).getEncoded();
        assertThat(Base64.getDecoder().decode(derived.out().trim())).isEqualTo(expected);
    }

    @Test
    void errorsExitWithTheirCodeAndAMessage() throws Exception {
        CliRun notFound = kms(List.of("key", "show"), UUID.randomUUID().toString());
        assertThat(notFound.exitCode()).isEqualTo(RemoteCommand.REFUSED);
        assertThat(notFound.err()).startsWith("kms: KEY_NOT_FOUND: ").doesNotContain("Exception");

        CliRun noServer = CliRun.run("key", "list", "--tenant", "acme");
        assertThat(noServer.exitCode()).isEqualTo(RemoteCommand.USAGE);
        assertThat(noServer.err()).contains("no server: pass --url https://HOST:PORT or set KMS_URL");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        List<String> down = new ArrayList<>(connection);
        down.set(1, "https://127.0.0.1:" + closed);
        List<String> args = new ArrayList<>(List.of("key", "list"));
        args.addAll(down);
        CliRun unavailable = CliRun.run(args.toArray(String[]::new));
        assertThat(unavailable.exitCode()).isEqualTo(RemoteCommand.UNAVAILABLE);
        assertThat(unavailable.err()).startsWith("kms: GET https://127.0.0.1:" + closed);

        CliRun missingKey = kms(List.of("sign"), "--data", "x");
        assertThat(missingKey.exitCode()).isEqualTo(2);
        assertThat(missingKey.err()).contains("Missing required option: '--key=KEY'");

        CliRun badType = kms(List.of("key", "create"), "--type", "DSA-1024", "--usage", "sign");
        assertThat(badType.exitCode()).isEqualTo(RemoteCommand.REFUSED);
        assertThat(badType.err()).startsWith("kms: INVALID_REQUEST: ");
    }

    @Test
    void helpShowsEachCommandsOwnOptions() {
        CliRun sign = CliRun.run("help", "sign");
        assertThat(sign.exitCode()).isZero();
        assertThat(sign.out()).contains("--key=KEY", "Example: ./kms sign", "KMS_URL")
                .doesNotContain("--type", "--reason", "--aad", "--version");
        CliRun create = CliRun.run("key", "help", "create");
        assertThat(create.out()).contains("--type=TYPE", "Example: ./kms key create").doesNotContain("--sig");
        CliRun importHelp = CliRun.run("help", "key", "import");
        assertThat(importHelp.out()).contains("--in=FILE", "--usage=USAGE", "Example: ./kms key import")
                .doesNotContain("--protection", "--data");
        // help walks every word, not only the first
        CliRun nested = CliRun.run("help", "key", "create");
        assertThat(nested.exitCode()).as(nested.err()).isZero();
        assertThat(nested.out()).isEqualTo(create.out());
        assertThat(CliRun.run("help", "key").out()).contains("create", "import", "rotate", "public").doesNotContain("--type=TYPE");
        CliRun unknown = CliRun.run("help", "key", "mint");
        assertThat(unknown.exitCode()).isEqualTo(RemoteCommand.USAGE);
        assertThat(unknown.err()).contains("Unknown command 'key mint'");
    }

    /** The jar as a shell runs it: the environment variables, binary stdin and stdout. */
    @Test
    void theJarReadsTheEnvironmentAndPipesBinaryData() throws Exception {
        String key = newKey("AES-256", "encrypt,decrypt");
        Path tls = node.dataDir().resolve("tls");
        byte[] plaintext = {0, (byte) 0xff, 10, 13, 26, 0};
        byte[] blob = runJar(plaintext, tls, "encrypt", "-k", key, "-o", "raw");
        assertThat(blob).startsWith('K', 'M', 'S', 'C', 1).hasSize(7 + blob[6] + 4 + 12 + plaintext.length + 16);
        assertThat(runJar(blob, tls, "decrypt")).isEqualTo(plaintext);
    }

    private static byte[] runJar(byte[] stdin, Path tls, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", System.getProperty("kms.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KMS_URL", node.baseUrl().replace("/kms/v1", ""));
        pb.environment().put("KMS_CLIENT_CERT", tls.resolve("admin.pem").toString());
        pb.environment().put("KMS_CLIENT_KEY", tls.resolve("admin.key").toString());
        pb.environment().put("KMS_CA_CERT", tls.resolve("ca.pem").toString());
        pb.environment().put("KMS_TENANT", "acme");
        Process p = pb.start();
        p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        return out;
    }
}

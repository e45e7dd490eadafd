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
    void encryptDecryptThroughFilesAndStdin() throws Exception {
        String key = newKey("AES-256", "encrypt,decrypt");
        byte[] plaintext = new byte[1000];
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = (byte) i; // every byte value: binary-safe end to end
        }
        Path in = dir.resolve("plain.bin");
        Files.write(in, plaintext);
        Path enc = dir.resolve("plain.enc");
        Path out = dir.resolve("plain.out");

        CliRun encrypted = kms(List.of("encrypt"), "-k", key, "-i", in.toString(), "--aad", "ctx", "-o", "raw", "--out", enc.toString());
        assertThat(encrypted.exitCode()).as(encrypted.err()).isZero();
        assertThat(Files.size(enc)).isEqualTo(12 + plaintext.length + 16);
        CliRun decrypted = kms(List.of("decrypt"), "-k", key, "-i", enc.toString(), "--aad", "ctx", "--out", out.toString());
        assertThat(decrypted.exitCode()).as(decrypted.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(plaintext);

        // stdin → base64 on stdout → stdin again
        CliRun b64 = kmsWithStdin("secret notes\n".getBytes(StandardCharsets.UTF_8), List.of("encrypt"), "-k", key);
        assertThat(b64.exitCode()).as(b64.err()).isZero();
        CliRun back = kmsWithStdin(b64.out().getBytes(StandardCharsets.US_ASCII), List.of("decrypt"), "-k", key, "--b64");
        assertThat(back.exitCode()).as(back.err()).isZero();
        assertThat(back.out()).isEqualTo("secret notes\n");

        // -o json from encrypt is accepted by decrypt as is
        CliRun json = kms(List.of("encrypt"), "-k", key, "--data", "via json", "-o", "json");
        assertThat(JSON.readTree(json.out()).get("receipt_id").asText()).isNotBlank();
        assertThat(kmsWithStdin(json.out().getBytes(StandardCharsets.UTF_8), List.of("decrypt"), "-k", key).out()).isEqualTo("via json");

        // wrong AAD: the service's constant message, exit 3
        CliRun wrong = kms(List.of("decrypt"), "-k", key, "-i", enc.toString(), "--aad", "other");
        assertThat(wrong.exitCode()).isEqualTo(RemoteCommand.REFUSED);
        assertThat(wrong.err()).startsWith("kms: INVALID_REQUEST: decryption failed").contains("(receipt ");
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
    void helpListsEveryCommandAndEachCommandOnlyItsOwnOptions() {
        CliRun help = CliRun.run("--help");
        assertThat(help.out()).contains("  test ", "  key ", "  sign ", "  verify ", "  encrypt ", "  decrypt ", "  mac ",
                "  random ", "  derive ", "  serve ", "generate-completion");
        assertThat(help.out().lines().count()).isLessThanOrEqualTo(40);

        CliRun sign = CliRun.run("help", "sign");
        assertThat(sign.exitCode()).isZero();
        assertThat(sign.out()).contains("--key=KEY", "Example: ./kms sign", "KMS_URL")
                .doesNotContain("--type", "--reason", "--aad", "--version");
        CliRun create = CliRun.run("key", "help", "create");
        assertThat(create.out()).contains("--type=TYPE", "Example: ./kms key create").doesNotContain("--sig");
        // help walks every word, not only the first
        CliRun nested = CliRun.run("help", "key", "create");
        assertThat(nested.exitCode()).as(nested.err()).isZero();
        assertThat(nested.out()).isEqualTo(create.out());
        assertThat(CliRun.run("help", "key").out()).contains("create", "rotate", "public").doesNotContain("--type=TYPE");
        CliRun unknown = CliRun.run("help", "key", "mint");
        assertThat(unknown.exitCode()).isEqualTo(RemoteCommand.USAGE);
        assertThat(unknown.err()).contains("Unknown command 'key mint'");

        CliRun completion = CliRun.run("generate-completion");
        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).contains("complete -F").contains("encrypt").contains("rotate");
    }

    /** The jar as a shell runs it: the environment variables, binary stdin and stdout. */
    @Test
    void theJarReadsTheEnvironmentAndPipesBinaryData() throws Exception {
        String key = newKey("AES-256", "encrypt,decrypt");
        Path tls = node.dataDir().resolve("tls");
        byte[] plaintext = {0, (byte) 0xff, 10, 13, 26, 0};
        byte[] blob = runJar(plaintext, tls, "encrypt", "-k", key, "-o", "raw");
        assertThat(blob).hasSize(12 + plaintext.length + 16);
        assertThat(runJar(blob, tls, "decrypt", "-k", key)).isEqualTo(plaintext);
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

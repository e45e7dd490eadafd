package com.zeroui.kms.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.client.model.DecryptResult;
import com.zeroui.kms.client.model.EncryptResult;
import com.zeroui.kms.client.model.MacResult;
import com.zeroui.kms.client.model.RandomResult;
import com.zeroui.kms.client.model.SignResult;
import com.zeroui.kms.client.model.VerifyResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kms sign|verify|encrypt|decrypt|mac|random} over the API; data from a file, stdin or --data. */
public final class CryptoCommands {
    private CryptoCommands() {
    }

    /** The CLI's ciphertext file: the 12-byte IV, then ciphertext || 16-byte tag (what decrypt reads back). */
    static final int IV_BYTES = 12;

    static final class Aad {
        @Option(names = "--aad", paramLabel = "TEXT", description = "additional authenticated data, UTF-8")
        String text;
        @Option(names = "--aad-b64", paramLabel = "B64", description = "additional authenticated data, base64")
        String base64;

        static byte[] of(Aad a) {
            if (a == null) {
                return null;
            }
            return a.text != null ? a.text.getBytes(StandardCharsets.UTF_8) : Base64.getDecoder().decode(a.base64);
        }
    }

    static final class Tag {
        @Option(names = "--sig", paramLabel = "FILE", description = "the signature or tag, raw bytes in FILE")
        Path file;
        @Option(names = "--sig-b64", paramLabel = "B64", description = "the signature or tag, base64")
        String base64;

        byte[] bytes() throws IOException {
            try {
                return file != null ? Files.readAllBytes(file) : Base64.getMimeDecoder().decode(base64.trim());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--sig-b64 is not base64");
            }
        }
    }

    @Command(name = "sign", description = "Sign data with a key (output: the base64 signature)",
            footer = {"%nExample: ./kms sign -k alias/invoices -i invoice.pdf -o raw --out invoice.sig", ConnectionOptions.FOOTER})
    public static final class Sign extends RemoteCommand {
        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Option(paramLabel = "ALG", names = "--alg", description = "RS256, PS256, EdDSA, ML-DSA-65 (default: the key type's)")
        String algorithm;
        @Mixin
        InputOptions input;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            SignResult r = connection.scopedClient().crypto().sign(key, input.read(), algorithm);
            output.bytes(r.signature(), r, OutputOptions.Format.b64);
            return 0;
        }
    }

    @Command(name = "verify",
            description = "Verify a signature: valid (exit 0) or invalid (exit 1)",
            footer = {"%nExample: ./kms verify -k alias/invoices -i invoice.pdf --sig invoice.sig", ConnectionOptions.FOOTER})
    public static final class Verify extends RemoteCommand {
        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Option(paramLabel = "ALG", names = "--alg", description = "the algorithm it was signed with (default: the key type's)")
        String algorithm;
        @ArgGroup(multiplicity = "1")
        Tag signature;
        @Mixin
        InputOptions input;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            VerifyResult r = connection.scopedClient().crypto().verify(key, input.read(), signature.bytes(), algorithm);
            if (output.format == OutputOptions.Format.json || output.format == OutputOptions.Format.table) {
                output.object(r, output.format);
            } else {
                output.text(r.valid() ? "valid" : "invalid");
            }
            return r.valid() ? 0 : INVALID;
        }
    }

    @Command(name = "encrypt",
            description = "Encrypt with an AES key (base64 of IV||ciphertext||tag)",
            footer = {"%nExample: ./kms encrypt -k alias/backups -i notes.txt -o raw --out notes.enc", ConnectionOptions.FOOTER})
    public static final class Encrypt extends RemoteCommand {
        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Option(paramLabel = "ALG", names = "--alg", description = "AES-256-GCM (default) or CHACHA20-POLY1305")
        String algorithm;
        @ArgGroup
        Aad aad;
        @Mixin
        InputOptions input;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            EncryptResult r = connection.scopedClient().crypto().encrypt(key, input.read(), Aad.of(aad), algorithm);
            byte[] blob = new byte[r.iv().length + r.ciphertext().length];
            System.arraycopy(r.iv(), 0, blob, 0, r.iv().length);
            System.arraycopy(r.ciphertext(), 0, blob, r.iv().length, r.ciphertext().length);
            output.bytes(blob, r, OutputOptions.Format.b64);
            return 0;
        }
    }

    @Command(name = "decrypt",
            description = "Decrypt what encrypt wrote (raw, --b64 or -o json)",
            footer = {"%nExample: ./kms decrypt -k alias/backups -i notes.enc > notes.txt", ConnectionOptions.FOOTER})
    public static final class Decrypt extends RemoteCommand {
        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Option(paramLabel = "ALG", names = "--alg", description = "the algorithm it was encrypted with (default AES-256-GCM)")
        String algorithm;
        @ArgGroup
        Aad aad;
        @Mixin
        InputOptions input;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            byte[] in = input.read();
            byte[] iv;
            byte[] ciphertext;
            if (in.length > 0 && in[0] == '{') {
                JsonNode json = OutputOptions.JSON.readTree(in);
                iv = Base64.getDecoder().decode(json.path("iv").asText());
                ciphertext = Base64.getDecoder().decode(json.path("ciphertext").asText());
            } else {
                if (in.length < IV_BYTES + 16) {
                    throw new UsageException("the input is too short to be IV || ciphertext || tag (" + in.length + " bytes)");
                }
                iv = Arrays.copyOf(in, IV_BYTES);
                ciphertext = Arrays.copyOfRange(in, IV_BYTES, in.length);
            }
            DecryptResult r = connection.scopedClient().crypto().decrypt(key, ciphertext, iv, Aad.of(aad), algorithm);
            output.bytes(r.plaintext(), r, OutputOptions.Format.raw);
            return 0;
        }
    }

    @Command(name = "mac",
            description = "HMAC with an HMAC key; --sig or --sig-b64 verifies a tag",
            footer = {"%nExample: ./kms mac -k alias/webhooks --data 'payload'", ConnectionOptions.FOOTER})
    public static final class Mac extends RemoteCommand {
        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @ArgGroup
        Tag tag;
        @Mixin
        InputOptions input;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            byte[] data = input.read();
            if (tag != null) {
                VerifyResult r = connection.scopedClient().crypto().macVerify(key, data, tag.bytes());
                output.text(r.valid() ? "valid" : "invalid");
                return r.valid() ? 0 : INVALID;
            }
            MacResult r = connection.scopedClient().crypto().mac(key, data);
            output.bytes(r.mac(), r, OutputOptions.Format.b64);
            return 0;
        }
    }

    @Command(name = "derive", description = "Derive bytes: HKDF-SHA256 from a key, PBKDF2 from a password",
            footer = {"%nExample: ./kms derive -k alias/root --info 'orders v1' --length 32 -o raw --out k.bin",
                    ConnectionOptions.FOOTER})
    public static final class Derive extends RemoteCommand {
        @Option(names = "--method", paramLabel = "METHOD", defaultValue = "HKDF-SHA256",
                description = "HKDF-SHA256 (default, needs --key) or PBKDF2-HMAC-SHA256 (password on stdin)")
        String method;
        @Option(names = {"-k", "--key"}, paramLabel = "KEY", description = "for HKDF: key id or alias/NAME")
        String key;
        @Option(names = "--salt", paramLabel = "TEXT", description = "salt, UTF-8 (PBKDF2 needs one)")
        String salt;
        @Option(names = "--info", paramLabel = "TEXT", description = "HKDF context, UTF-8")
        String info;
        @Option(names = "--iterations", paramLabel = "N", description = "PBKDF2 iterations (default: the service's)")
        Integer iterations;
        @Option(names = "--length", paramLabel = "N", defaultValue = "32", description = "bytes to derive (default 32)")
        int length;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            String password = null;
            if (method.startsWith("PBKDF2")) {
                // never a flag: it would show in ps and shell history; one trailing line break is the terminal's
                password = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
            }
            com.zeroui.kms.client.model.DeriveResult r = connection.scopedClient().crypto().derive(method, key,
                    salt == null ? null : salt.getBytes(StandardCharsets.UTF_8),
                    info == null ? null : info.getBytes(StandardCharsets.UTF_8), password, iterations, length, null, null);
            output.bytes(r.derived(), r, OutputOptions.Format.b64);
            return 0;
        }
    }

    @Command(name = "random", description = "Random bytes from the service's DRBG (base64)",
            footer = {"%nExample: ./kms random --bytes 32 -o raw --out seed.bin", ConnectionOptions.FOOTER})
    public static final class Random extends RemoteCommand {
        @Option(paramLabel = "N", names = {"-n", "--bytes"}, defaultValue = "32", description = "how many, 1-1024 (default 32)")
        int length;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            RandomResult r = connection.scopedClient().crypto().random(length);
            output.bytes(r.random(), r, OutputOptions.Format.b64);
            return 0;
        }
    }
}

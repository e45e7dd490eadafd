package com.zeroui.kms.cli.remote;

import com.zeroui.kms.client.CryptoApi;
import com.zeroui.kms.client.KmsClientException;
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
import java.util.Base64;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kms sign|verify|encrypt|decrypt|mac|random} over the API; data from a file, stdin or --data. */
public final class CryptoCommands {
    private CryptoCommands() {
    }

    /** The plumbing each data command shares: its data in (file, stdin, --data) and its result out (-o, --out). */
    abstract static class DataCommand extends RemoteCommand {
        @Mixin
        InputOptions input;
        @Mixin
        OutputOptions output;

        CryptoApi crypto() {
            return connection.scopedClient().crypto();
        }

        /** A verification's verdict: {@code valid} (exit 0) or {@code invalid} (exit 1), or the whole answer with -o json|table. */
        int verdict(VerifyResult r) throws IOException {
            if (output.format == OutputOptions.Format.json || output.format == OutputOptions.Format.table) {
                output.object(r, output.format);
            } else {
                output.text(r.valid() ? "valid" : "invalid");
            }
            return r.valid() ? 0 : INVALID;
        }
    }

    /** A data command on one named key. */
    abstract static class KeyedCommand extends DataCommand {
        @Option(names = {"-k", "--key"}, required = true, paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
    }

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
    public static final class Sign extends KeyedCommand {
        @Option(paramLabel = "ALG", names = "--alg", description = "RS256, PS256, EdDSA, ML-DSA-65 (default: the key type's)")
        String algorithm;

        @Override
        int run() throws IOException {
            SignResult r = crypto().sign(key, input.read(), algorithm);
            output.bytes(r.signature(), r, OutputOptions.Format.b64);
            return 0;
        }
    }

    @Command(name = "verify",
            description = "Verify a signature: valid (exit 0) or invalid (exit 1)",
            footer = {"%nExample: ./kms verify -k alias/invoices -i invoice.pdf --sig invoice.sig", ConnectionOptions.FOOTER})
    public static final class Verify extends KeyedCommand {
        @Option(paramLabel = "ALG", names = "--alg", description = "the algorithm it was signed with (default: the key type's)")
        String algorithm;
        @ArgGroup(multiplicity = "1")
        Tag signature;

        @Override
        int run() throws IOException {
            return verdict(crypto().verify(key, input.read(), signature.bytes(), algorithm));
        }
    }

    @Command(name = "encrypt",
            description = "Encrypt with an AES key: a ciphertext_blob (base64)",
            footer = {"%nExample: ./kms encrypt -k alias/backups -i notes.txt -o raw --out notes.enc", ConnectionOptions.FOOTER})
    public static final class Encrypt extends KeyedCommand {
        @Option(paramLabel = "ALG", names = "--alg", description = "AES-256-GCM (default) or CHACHA20-POLY1305")
        String algorithm;
        @ArgGroup
        Aad aad;

        @Override
        int run() throws IOException {
            EncryptResult r = crypto().encrypt(key, input.read(), Aad.of(aad), algorithm);
            if (r.ciphertextBlob() == null) {
                throw new KmsClientException("the service answered no ciphertext_blob (it predates ADR 0032)", null);
            }
            output.bytes(r.ciphertextBlob(), r, OutputOptions.Format.b64);
            return 0;
        }
    }

    @Command(name = "decrypt",
            description = "Decrypt what encrypt wrote (the blob names its key)",
            footer = {"%nExample: ./kms decrypt -i notes.enc > notes.txt", ConnectionOptions.FOOTER})
    public static final class Decrypt extends DataCommand {
        @Option(names = {"-k", "--key"}, paramLabel = "KEY",
                description = "only for IV||ciphertext||tag from an older kms encrypt: key id or alias/NAME")
        String key;
        @Option(paramLabel = "ALG", names = "--alg", description = "with --key: the algorithm (default AES-256-GCM)")
        String algorithm;
        @ArgGroup
        Aad aad;

        @Override
        int run() throws IOException {
            CiphertextInput in = CiphertextInput.of(input.read(), key != null);
            DecryptResult r = in.isBlob() ? crypto().decryptBlob(in.blob(), Aad.of(aad))
                    : crypto().decrypt(key, in.ciphertext(), in.iv(), Aad.of(aad), algorithm);
            output.bytes(r.plaintext(), r, OutputOptions.Format.raw);
            return 0;
        }
    }

    @Command(name = "mac",
            description = "HMAC with an HMAC key; --sig or --sig-b64 verifies a tag",
            footer = {"%nExample: ./kms mac -k alias/webhooks --data 'payload'", ConnectionOptions.FOOTER})
    public static final class Mac extends KeyedCommand {
        @ArgGroup
        Tag tag;

        @Override
        int run() throws IOException {
            if (tag != null) {
                return verdict(crypto().macVerify(key, input.read(), tag.bytes()));
            }
            MacResult r = crypto().mac(key, input.read());
            output.bytes(r.mac(), r, OutputOptions.Format.b64);
            return 0;
        }
    }

    @Command(name = "derive", description = "Derive bytes: HKDF-SHA256 from a key, PBKDF2 from a password",
            footer = {"%nExample: ./kms derive -k alias/root --info 'orders v1' -o raw --out k.bin",
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

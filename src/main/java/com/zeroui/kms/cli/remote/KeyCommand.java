package com.zeroui.kms.cli.remote;

import com.zeroui.kms.client.KeysApi;
import com.zeroui.kms.client.KmsClient;
import com.zeroui.kms.client.model.AccessPolicy;
import com.zeroui.kms.client.model.KeyMetadata;
import com.zeroui.kms.client.model.KeyPage;
import com.zeroui.kms.client.model.NewKey;
import com.zeroui.kms.client.model.PublicKeyInfo;
import com.zeroui.kms.client.model.RotateResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kms key create|import|list|show|rotate|revoke|policy|public} over the API. */
@Command(name = "key", description = "Keys on a server: create, import, list, show, rotate, revoke, …",
        subcommands = {KeyCommand.Create.class, KeyCommand.Import.class, KeyCommand.ListKeys.class, KeyCommand.Show.class, KeyCommand.Rotate.class,
                KeyCommand.Revoke.class, KeyCommand.Policy.class, KeyCommand.Public.class, com.zeroui.kms.cli.help.HelpCommand.class},
        footer = {"%n./kms key help COMMAND shows its options and an example.",
                "%nExample: ./kms key create --type Ed25519 --usage sign,verify --alias invoices", ConnectionOptions.FOOTER})
public final class KeyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final List<String> LIST_COLUMNS = List.of("key_id", "key_alias", "key_type", "key_state", "environment", "created_at");

    /** What a new key gets besides its type and material: the same for create and import. */
    static final class KeyAttributes {
        @Option(paramLabel = "USAGE", names = "--usage", required = true, split = ",", description = "sign,verify | encrypt,decrypt | …")
        List<String> usage;
        @Option(paramLabel = "NAME", names = "--alias", description = "unique name within tenant and environment")
        String alias;
        @Option(paramLabel = "PERIOD", names = "--rotation-period", description = "ISO-8601 duration, e.g. P90D")
        String rotationPeriod;
        @Option(paramLabel = "MODULE", names = "--modules", split = ",", description = "modules allowed to use the key (default: yours)")
        List<String> modules;
        @Option(paramLabel = "TOKEN", names = "--approval-token", description = "token of an approved request, when creating keys needs one")
        String approvalToken;

        NewKey newKey(String type, String protection) {
            return new NewKey(type, usage, alias, modules == null ? null : new AccessPolicy(modules, null, null),
                    rotationPeriod, protection, approvalToken);
        }
    }

    /** create and import: each makes its key its own way; both take the same attributes and show the key's metadata. */
    abstract static class NewKeyCommand extends RemoteCommand {
        @Mixin
        KeyAttributes attributes;
        @Mixin
        OutputOptions output;

        abstract KeyMetadata make(KeysApi keys) throws IOException;

        @Override
        final int run() throws IOException {
            output.object(make(connection.scopedClient().keys()), OutputOptions.Format.table);
            return 0;
        }
    }

    @Command(name = "create", description = "Generate a key in the service",
            footer = {"%nExample: ./kms key create --type AES-256 --usage encrypt,decrypt --alias backups", ConnectionOptions.FOOTER})
    static final class Create extends NewKeyCommand {
        @Option(paramLabel = "TYPE", names = "--type", required = true, description = "Ed25519, RSA-2048, AES-256, … (GET /config lists them)")
        String type;
        @Option(paramLabel = "LEVEL", names = "--protection", description = "software or hsm")
        String protection;

        @Override
        KeyMetadata make(KeysApi keys) {
            return keys.create(attributes.newKey(type, protection));
        }
    }

    @Command(name = "import",
            description = "Import your own key material (BYOK): wrapped here for the service's one-time key, then sent",
            footer = {"%nKey pairs: a PKCS#8 private key, PEM or DER (openssl genpkey). AES: the raw bytes (openssl rand 32).",
                    "%nExample: ./kms key import --type RSA-2048 --usage sign,verify -i rsa.pem",
                    ConnectionOptions.FOOTER})
    static final class Import extends NewKeyCommand {
        @Option(paramLabel = "TYPE", names = "--type", required = true, description = "AES-256 or RSA-2048 (what the service imports)")
        String type;
        @Option(paramLabel = "FILE", names = {"-i", "--in"}, required = true, description = "the key material; - for standard input")
        Path in;

        @Override
        KeyMetadata make(KeysApi keys) throws IOException {
            byte[] material = KeyMaterialFile.read(in, type);
            try {
                return keys.importKey(attributes.newKey(type, null), material);
            } finally {
                java.util.Arrays.fill(material, (byte) 0);
            }
        }
    }

    @Command(name = "list", description = "List keys of the scope, newest pages first",
            footer = {"%nExample: ./kms key list --type Ed25519 --state active", ConnectionOptions.FOOTER})
    static final class ListKeys extends RemoteCommand {
        @Option(paramLabel = "TYPE", names = "--type", description = "only this key type")
        String type;
        @Option(paramLabel = "STATE", names = "--state", description = "only this state, e.g. active")
        String state;
        @Option(paramLabel = "NAME", names = "--alias", description = "only this alias")
        String alias;
        @Option(paramLabel = "N", names = "--limit", description = "at most this many (default: all)")
        Integer limit;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            KmsClient kms = connection.scopedClient();
            List<KeyMetadata> keys = new ArrayList<>();
            String cursor = null;
            do {
                Map<String, Object> filters = new LinkedHashMap<>();
                filters.put("key_type", type);
                filters.put("key_state", state);
                filters.put("alias", alias);
                filters.put("cursor", cursor);
                KeyPage page = kms.keys().list(filters);
                keys.addAll(page.keys());
                cursor = page.nextCursor();
            } while (cursor != null && (limit == null || keys.size() < limit));
            List<KeyMetadata> shown = limit == null || keys.size() <= limit ? keys : keys.subList(0, limit);
            output.rows(shown, Map.of("keys", shown), LIST_COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "A key's metadata",
            footer = {"%nExample: ./kms key show alias/invoices -o json", ConnectionOptions.FOOTER})
    static final class Show extends RemoteCommand {
        @Parameters(paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            output.object(connection.scopedClient().keys().get(key), OutputOptions.Format.table);
            return 0;
        }
    }

    @Command(name = "rotate", description = "Create a key's successor (the alias moves to it)",
            footer = {"%nExample: ./kms key rotate alias/invoices", ConnectionOptions.FOOTER})
    static final class Rotate extends RemoteCommand {
        @Parameters(paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Option(names = "--emergency", description = "retire the old key at once (compromise)")
        boolean emergency;
        @Option(paramLabel = "TOKEN", names = "--approval-token", description = "token of an approved request, when rotation needs one")
        String approvalToken;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            RotateResult r = connection.scopedClient().keys().rotate(key, emergency, approvalToken);
            output.object(output.formatOr(OutputOptions.Format.table) == OutputOptions.Format.json ? r : r.key(),
                    OutputOptions.Format.table);
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a key immediately",
            footer = {"%nExample: ./kms key revoke alias/invoices --reason compromised", ConnectionOptions.FOOTER})
    static final class Revoke extends RemoteCommand {
        @Parameters(paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Option(paramLabel = "REASON", names = "--reason", required = true, description = "compromised, retired or policy_violation")
        String reason;
        @Option(paramLabel = "TOKEN", names = "--approval-token", description = "token of an approved request, when revocation needs one")
        String approvalToken;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            output.object(connection.scopedClient().keys().revoke(key, reason, approvalToken), OutputOptions.Format.table);
            return 0;
        }
    }

    @Command(name = "policy",
            description = "Show a key's access policy, or replace it (all three settings; usually needs an approval token)",
            footer = {"%nExample: ./kms key policy KEY_ID --max-per-day 10000 --approval-token TOKEN",
                    ConnectionOptions.FOOTER})
    static final class Policy extends RemoteCommand {
        @Parameters(paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Option(paramLabel = "MODULE", names = "--modules", split = ",", description = "modules allowed to use the key")
        List<String> modules;
        @Option(paramLabel = "BOOL", names = "--requires-approval", arity = "0..1", description = "lifecycle operations need dual authorization")
        Boolean requiresApproval;
        @Option(paramLabel = "N", names = "--max-per-day", description = "uses per UTC day")
        Integer maxPerDay;
        @Option(paramLabel = "TOKEN", names = "--approval-token", description = "token of an approved update_policy request")
        String approvalToken;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            KmsClient kms = connection.scopedClient();
            if (modules == null && requiresApproval == null && maxPerDay == null) {
                output.object(kms.keys().get(key).accessPolicy(), OutputOptions.Format.table);
                return 0;
            }
            // the API replaces the whole policy: fill what was not given from the current one
            AccessPolicy current = kms.keys().get(key).accessPolicy();
            AccessPolicy next = new AccessPolicy(modules != null ? modules : current.allowedModules(),
                    requiresApproval != null ? requiresApproval : current.requiresApproval(),
                    maxPerDay != null ? maxPerDay : current.maxUsagePerDay());
            output.object(kms.keys().updatePolicy(key, next, approvalToken).accessPolicy(), OutputOptions.Format.table);
            return 0;
        }
    }

    @Command(name = "public",
            description = "A key's public key: PEM (-o raw, default), JWK and metadata (-o json), DER base64 (-o b64)",
            footer = {"%nExample: ./kms key public alias/invoices > invoices.pub.pem", ConnectionOptions.FOOTER})
    static final class Public extends RemoteCommand {
        @Parameters(paramLabel = "KEY", description = "key id or alias/NAME")
        String key;
        @Mixin
        OutputOptions output;

        @Override
        int run() throws IOException {
            PublicKeyInfo info = connection.scopedClient().keys().publicKey(key);
            OutputOptions.Format f = output.formatOr(OutputOptions.Format.raw);
            if (f == OutputOptions.Format.raw) {
                output.text(info.publicKey().strip());
            } else {
                byte[] der = java.util.Base64.getMimeDecoder().decode(info.publicKey().replaceAll("-----[A-Z ]+-----", ""));
                output.bytes(der, info, f);
            }
            return 0;
        }
    }
}

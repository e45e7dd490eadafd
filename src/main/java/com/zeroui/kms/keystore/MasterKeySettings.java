package com.zeroui.kms.keystore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the master key lives: a software file in the data directory, or a PKCS#11 token. The PIN is
 * never part of the settings (so never printed with them): it is read from {@code KMS_PKCS11_PIN}
 * or from {@code pinFile} only when the token is opened.
 */
public record MasterKeySettings(Kind provider, Path pkcs11Library, String tokenLabel, Long slot, Path pinFile) {
    public static final Path DEFAULT_LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String PIN_ENV = "KMS_PKCS11_PIN";

    public enum Kind {
        SOFTWARE, PKCS11;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public MasterKeySettings {
        provider = provider == null ? Kind.SOFTWARE : provider;
        pkcs11Library = pkcs11Library == null ? DEFAULT_LIBRARY : pkcs11Library;
        tokenLabel = tokenLabel == null || tokenLabel.isBlank() ? null : tokenLabel;
    }

    public static MasterKeySettings software() {
        return new MasterKeySettings(Kind.SOFTWARE, null, null, null, null);
    }

    public static MasterKeySettings pkcs11(Path library, String tokenLabel, Long slot, Path pinFile) {
        return new MasterKeySettings(Kind.PKCS11, library, tokenLabel, slot, pinFile);
    }

    public void validate(List<String> problems) {
        if (provider != Kind.PKCS11) {
            return;
        }
        if ((tokenLabel == null) == (slot == null)) {
            problems.add("--master-key-provider pkcs11 needs exactly one of --pkcs11-token-label or --pkcs11-slot");
        }
        if (slot != null && slot < 0) {
            problems.add("--pkcs11-slot must not be negative");
        }
    }

    /** The token, as named in messages: its label or its slot. */
    public String tokenName() {
        return tokenLabel != null ? "token '" + tokenLabel + "'" : "slot " + slot;
    }

    /** The PIN from the environment, else from the PIN file (one line); never from a flag value. */
    char[] readPin() throws MasterKeyException {
        String fromEnv = System.getenv(PIN_ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv.toCharArray();
        }
        if (pinFile == null) {
            throw new MasterKeyException("the PKCS#11 PIN is not set: export " + PIN_ENV + " or pass --pkcs11-pin-file", null);
        }
        try {
            String content = Files.readString(pinFile, StandardCharsets.UTF_8);
            String line = content.lines().findFirst().orElse("");
            if (line.isEmpty()) {
                throw new MasterKeyException("the PKCS#11 PIN file " + pinFile + " is empty", null);
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new MasterKeyException("the PKCS#11 PIN file " + pinFile + " cannot be read (" + e.getClass().getSimpleName() + ")", null);
        }
    }
}
